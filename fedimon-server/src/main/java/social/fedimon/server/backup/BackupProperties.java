package social.fedimon.server.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Backups received ({@code FEDIMON_BACKUP_*}).
 *
 * @param maxBytes the largest archive taken, uploaded or downloaded
 * @param allowHttp follow plain http:// links too (https only by default)
 * @param allowAddresses address ranges links may reach besides public ones (an internal mirror),
 *     comma-separated CIDRs
 * @param downloadTimeout the longest a download may take, resumes included
 * @param trustStore a PKCS#12 trust store for links' TLS certificates (an internal CA); unset: the
 *     JDK's
 * @param trustStorePassword its password
 */
@ConfigurationProperties("fedimon.backup")
public record BackupProperties(
    @DefaultValue("1099511627776") long maxBytes,
    @DefaultValue("false") boolean allowHttp,
    @DefaultValue List<String> allowAddresses,
    @DefaultValue("24h") Duration downloadTimeout,
    @Nullable Path trustStore,
    @Nullable String trustStorePassword) {

  @Override
  public String toString() {
    return "BackupProperties[maxBytes=" + maxBytes + ", allowHttp=" + allowHttp + "]";
  }
}
