package social.fedimon.server.tenant;

import social.fedimon.server.infra.EmbeddedPostgresServer;

/**
 * The embedded tenant cluster under {@code var/tenants}, started by {@code serve} when no tenant
 * server is configured and the platform database is embedded too.
 */
public final class EmbeddedTenantCluster implements AutoCloseable {

  private final EmbeddedPostgresServer server;

  EmbeddedTenantCluster(EmbeddedPostgresServer server) {
    this.server = server;
  }

  public EmbeddedPostgresServer server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
  }
}
