/** The {@code fedimon} command. */
@NullMarked
package social.fedimon.cli;

import org.jspecify.annotations.NullMarked;
