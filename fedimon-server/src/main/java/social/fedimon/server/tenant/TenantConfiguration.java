package social.fedimon.server.tenant;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import social.fedimon.server.infra.DataDirectory;
import social.fedimon.server.infra.EmbeddedPostgresServer;

/** Starts the embedded tenant cluster on embedded defaults. */
@Configuration(proxyBeanMethods = false)
class TenantConfiguration {

  @Bean(destroyMethod = "close")
  @Conditional(EmbeddedTenantsCondition.class)
  EmbeddedTenantCluster embeddedTenantCluster(DataDirectory dataDirectory) {
    return new EmbeddedTenantCluster(EmbeddedPostgresServer.startTenants(dataDirectory));
  }

  /** No tenant server configured, and the platform database embedded (so the folder is locked). */
  static final class EmbeddedTenantsCondition implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Binder binder = Binder.get(context.getEnvironment());
      boolean noTenantUrl =
          binder
              .bind("fedimon.tenant.database.url", String.class)
              .map(String::isBlank)
              .orElse(true);
      boolean embeddedPlatform =
          binder.bind("fedimon.database.url", String.class).map(String::isBlank).orElse(true);
      return noTenantUrl && embeddedPlatform;
    }
  }
}
