/**
 * Migrate in: a backup received, inspected, waited on (approval, DNS, the admin's go), restored
 * into a tenant database with its media, and its env rewritten and sealed.
 */
@NullMarked
package social.fedimon.server.migration;

import org.jspecify.annotations.NullMarked;
