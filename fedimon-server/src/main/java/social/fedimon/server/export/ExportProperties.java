package social.fedimon.server.export;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Exports ({@code FEDIMON_EXPORTS_*}).
 *
 * @param linkLifetime how long a download link works; {@code FEDIMON_EXPORTS_LINK_LIFETIME}
 * @param pgDump the pg_dump to run; unset: the first on PATH; {@code FEDIMON_EXPORTS_PG_DUMP}
 * @param backupRetention how long a restored migration's archive is kept before it is deleted
 * @param adminsFullExport whether admins may ask for full exports (with the media) themselves;
 *     operators always may
 */
@ConfigurationProperties("fedimon.exports")
public record ExportProperties(
    @DefaultValue("7d") Duration linkLifetime,
    @Nullable Path pgDump,
    @DefaultValue("7d") Duration backupRetention,
    @DefaultValue("false") boolean adminsFullExport) {}
