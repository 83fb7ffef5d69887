/** The migration engine: everything that turns customer bytes into knowledge and back. */
@NullMarked
package social.fedimon.engine;

import org.jspecify.annotations.NullMarked;
