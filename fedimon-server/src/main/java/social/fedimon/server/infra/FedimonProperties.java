package social.fedimon.server.infra;

import java.net.URI;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The server's configuration, from {@code FEDIMON_*} environment variables (see the README's
 * table). Every external part left unset is replaced by its embedded default under {@link
 * #dataDir()}.
 *
 * @param dataDir folder for everything the embedded defaults keep (database, objects, outbox, keys,
 *     logs); {@code FEDIMON_DATA_DIR}
 * @param publicUrl the URL people reach the console at, used in emails and links; defaults to the
 *     local listening address; {@code FEDIMON_PUBLIC_URL}
 * @param masterKey base64 of 32 random bytes that seal secrets at rest; generated under the data
 *     folder when unset and the database is embedded; {@code FEDIMON_MASTER_KEY}
 * @param database the platform's PostgreSQL
 * @param s3 the object store for uploads, media and exports
 * @param smtp the mail relay
 * @param mail what outgoing mail looks like
 */
@ConfigurationProperties("fedimon")
public record FedimonProperties(
    @DefaultValue("var") Path dataDir,
    @Nullable URI publicUrl,
    @Nullable String masterKey,
    @DefaultValue Database database,
    @DefaultValue S3 s3,
    @DefaultValue Smtp smtp,
    @DefaultValue Mail mail) {

  /**
   * The platform database.
   *
   * @param url {@code jdbc:postgresql://...} or {@code postgresql://user:pass@host:port/db}; unset
   *     for the embedded PostgreSQL; {@code FEDIMON_DATABASE_URL}
   * @param username login role, when not in the URL; {@code FEDIMON_DATABASE_USERNAME}
   * @param password its password, when not in the URL; {@code FEDIMON_DATABASE_PASSWORD}
   */
  public record Database(
      @Nullable String url, @Nullable String username, @Nullable String password) {

    /** Whether the embedded PostgreSQL stands in for an external one. */
    public boolean embedded() {
      return url == null || url.isBlank();
    }

    @Override
    public String toString() {
      return "Database[url=" + (url == null ? null : ConnectionUrls.redact(url)) + "]";
    }
  }

  /**
   * The object store.
   *
   * @param endpoint S3 API URL; unset with no access key for the embedded S3Proxy, unset with an
   *     access key for AWS itself; {@code FEDIMON_S3_ENDPOINT}
   * @param region signing region; {@code FEDIMON_S3_REGION}
   * @param bucket bucket for FédiMon's own objects; {@code FEDIMON_S3_BUCKET}
   * @param accessKey access key id; {@code FEDIMON_S3_ACCESS_KEY}
   * @param secretKey secret access key; {@code FEDIMON_S3_SECRET_KEY}
   * @param pathStyle address buckets as {@code endpoint/bucket}, as most non-AWS stores want;
   *     {@code FEDIMON_S3_PATH_STYLE}
   * @param checksumsWhenRequired send payload checksums only where S3 requires them, for stores
   *     that reject the SDK's defaults (S3Proxy does); {@code FEDIMON_S3_CHECKSUMS_WHEN_REQUIRED}
   */
  public record S3(
      @Nullable URI endpoint,
      @DefaultValue("us-east-1") String region,
      @DefaultValue("fedimon") String bucket,
      @Nullable String accessKey,
      @Nullable String secretKey,
      @DefaultValue("true") boolean pathStyle,
      @DefaultValue("false") boolean checksumsWhenRequired) {

    /** Whether the embedded S3Proxy stands in for an external store. */
    public boolean embedded() {
      return endpoint == null && (accessKey == null || accessKey.isBlank());
    }

    @Override
    public String toString() {
      return "S3[endpoint=" + endpoint + ", bucket=" + bucket + ", accessKey=" + accessKey + "]";
    }
  }

  /**
   * The SMTP relay.
   *
   * @param url {@code smtp://user:pass@host:587} (STARTTLS required) or {@code
   *     smtps://user:pass@host:465}; unset to write mail to the outbox folder; {@code
   *     FEDIMON_SMTP_URL}
   */
  public record Smtp(@Nullable URI url) {

    /** Whether mail goes to the outbox folder instead of a relay. */
    public boolean embedded() {
      return url == null;
    }

    @Override
    public String toString() {
      return "Smtp[url=" + (url == null ? null : ConnectionUrls.redact(url.toString())) + "]";
    }
  }

  /**
   * Outgoing mail.
   *
   * @param from the sender of every message; {@code FEDIMON_MAIL_FROM}
   */
  public record Mail(@DefaultValue("FédiMon <noreply@fedimon.localhost>") String from) {}

  /** Whether any part runs embedded and keeps its data under {@link #dataDir()}. */
  public boolean anyEmbedded() {
    return database.embedded() || s3.embedded() || smtp.embedded();
  }

  @Override
  public String toString() {
    return "FedimonProperties[dataDir="
        + dataDir
        + ", publicUrl="
        + publicUrl
        + ", masterKey="
        + (masterKey == null ? null : "***")
        + ", "
        + database
        + ", "
        + s3
        + ", "
        + smtp
        + "]";
  }
}
