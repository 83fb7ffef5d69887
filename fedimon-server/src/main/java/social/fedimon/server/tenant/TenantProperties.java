package social.fedimon.server.tenant;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where tenant databases live ({@code FEDIMON_TENANT_DATABASE_*}).
 *
 * @param database a server and a role that may create roles and databases (CREATEROLE, CREATEDB;
 *     never a superuser); unset: the embedded cluster
 */
@ConfigurationProperties("fedimon.tenant")
public record TenantProperties(@DefaultValue Database database) {

  /**
   * @param url {@code postgresql://user:pass@host:port/postgres} or {@code jdbc:postgresql://...}
   */
  public record Database(@Nullable String url) {
    public boolean embedded() {
      return url == null || url.isBlank();
    }

    @Override
    public String toString() {
      return "Database[url="
          + (url == null ? null : social.fedimon.server.infra.ConnectionUrls.redact(url))
          + "]";
    }
  }
}
