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
 * @param mediaCredentials whether an export's owner may ask for read-only credentials to the
 *     instance's media, scoped to its prefix, from the store's STS (AWS, MinIO); off: the presigned
 *     manifest only
 * @param stsEndpoint the STS to ask: unset, the S3 endpoint (MinIO answers STS there), or AWS's own
 *     when the store is AWS
 * @param stsRoleArn the role assumed (AWS needs one the platform's user may assume, allowed to read
 *     the bucket; MinIO ignores it)
 * @param mediaCredentialsLifetime how long such credentials last (never past the export's link; 15
 *     minutes at least, STS' least)
 */
@ConfigurationProperties("fedimon.exports")
public record ExportProperties(
    @DefaultValue("7d") Duration linkLifetime,
    @Nullable Path pgDump,
    @DefaultValue("7d") Duration backupRetention,
    @DefaultValue("false") boolean adminsFullExport,
    @DefaultValue("false") boolean mediaCredentials,
    java.net.@Nullable URI stsEndpoint,
    @Nullable String stsRoleArn,
    @DefaultValue("1h") Duration mediaCredentialsLifetime) {}
