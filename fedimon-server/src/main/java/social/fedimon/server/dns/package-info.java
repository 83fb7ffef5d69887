/** The DNS records an instance needs, and checks of them against a resolver (dnsjava). */
@NullMarked
package social.fedimon.server.dns;

import org.jspecify.annotations.NullMarked;
