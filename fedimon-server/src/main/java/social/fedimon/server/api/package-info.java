/** What every {@code /api/v1} resource shares: errors as problem+json with a problem code. */
@NullMarked
package social.fedimon.server.api;

import org.jspecify.annotations.NullMarked;
