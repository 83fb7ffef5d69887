package social.fedimon.server.instance;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An instance request and what the migration learned of it.
 *
 * @param localDomain punycode, lower case
 * @param backupKey the archive received, in the platform's object store
 * @param tenantDatabase the tenant role and database, once made
 * @param webDomain the web domain when it differs from the local domain, punycode
 * @param dnsToken the value of the proof-of-control TXT record
 */
public record Instance(
    UUID id,
    UUID accountId,
    String localDomain,
    @Nullable Instant approvedAt,
    @Nullable Instant declinedAt,
    @Nullable Instant dnsVerifiedAt,
    @Nullable Instant confirmedAt,
    @Nullable String backupKey,
    @Nullable Long backupBytes,
    @Nullable String backupSha256,
    @Nullable Instant backupAt,
    boolean hasReport,
    @Nullable String tenantDatabase,
    boolean hasEnv,
    Instant createdAt,
    @Nullable Instant scheduledAt,
    boolean hasMediaSource,
    @Nullable String webDomain,
    String dnsToken) {}
