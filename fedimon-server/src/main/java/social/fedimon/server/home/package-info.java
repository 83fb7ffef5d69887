/** The public home page. */
@NullMarked
package social.fedimon.server.home;

import org.jspecify.annotations.NullMarked;
