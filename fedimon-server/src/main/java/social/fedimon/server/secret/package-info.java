/** Secrets sealed at rest with a master key. */
@NullMarked
package social.fedimon.server.secret;

import org.jspecify.annotations.NullMarked;
