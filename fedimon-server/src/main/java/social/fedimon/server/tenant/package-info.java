/**
 * Tenant databases: one role and one database per instance, on the tenant PostgreSQL server ({@code
 * FEDIMON_TENANT_DATABASE_URL}, or the embedded cluster).
 */
@NullMarked
package social.fedimon.server.tenant;

import org.jspecify.annotations.NullMarked;
