package social.fedimon.server.infra;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.S3Settings;

/**
 * Wires the database and the object store: external ones when configured, the embedded defaults
 * under the data folder otherwise. Beans close in reverse order, so the pool closes before the
 * database stops and the folder lock goes last.
 */
@Configuration(proxyBeanMethods = false)
class RuntimeConfiguration {

  /** Connections the console, API and jobs share; restores use their own connections. */
  private static final int PLATFORM_POOL_SIZE = 10;

  @Bean(destroyMethod = "close")
  DataDirectory dataDirectory(FedimonProperties properties) {
    return properties.anyEmbedded()
        ? DataDirectory.lock(properties.dataDir())
        : DataDirectory.unlocked(properties.dataDir());
  }

  @Bean(destroyMethod = "close")
  @Conditional(EmbeddedDatabaseCondition.class)
  EmbeddedPostgresServer embeddedPostgres(DataDirectory dataDirectory) {
    return EmbeddedPostgresServer.start(dataDirectory);
  }

  /**
   * Spring Boot's HikariCP, its settings bound from {@code spring.datasource.hikari.*} as Boot's
   * own data source does (pool size, timeouts), after the URL and role set here.
   */
  @Bean(destroyMethod = "close")
  @org.springframework.boot.context.properties.ConfigurationProperties("spring.datasource.hikari")
  HikariDataSource dataSource(
      FedimonProperties properties, ObjectProvider<EmbeddedPostgresServer> embedded) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setPoolName("platform");
    dataSource.setMaximumPoolSize(PLATFORM_POOL_SIZE);
    EmbeddedPostgresServer server = embedded.getIfAvailable();
    if (server != null) {
      dataSource.setJdbcUrl(server.jdbcUrl());
      dataSource.setUsername(server.username());
      return dataSource;
    }
    FedimonProperties.Database database = properties.database();
    ConnectionUrls.Jdbc jdbc = ConnectionUrls.postgres(String.valueOf(database.url()));
    dataSource.setJdbcUrl(jdbc.jdbcUrl());
    String username =
        database.username() != null ? database.username() : jdbc.username().orElse(null);
    String password =
        database.password() != null ? database.password() : jdbc.password().orElse(null);
    dataSource.setUsername(username);
    dataSource.setPassword(password);
    return dataSource;
  }

  @Bean(destroyMethod = "close")
  @Conditional(EmbeddedObjectStoreCondition.class)
  EmbeddedObjectStorage embeddedObjectStorage(DataDirectory dataDirectory) {
    return EmbeddedObjectStorage.start(dataDirectory);
  }

  /** How to reach the platform's object store; tenants' media go under prefixes of it. */
  @Bean
  S3Settings objectStoreSettings(
      FedimonProperties properties, ObjectProvider<EmbeddedObjectStorage> embedded) {
    FedimonProperties.S3 s3 = properties.s3();
    EmbeddedObjectStorage storage = embedded.getIfAvailable();
    if (storage != null) {
      return storage.settings(s3.bucket());
    }
    return new S3Settings(
        s3.endpoint(),
        s3.region(),
        s3.bucket(),
        "",
        blankToNull(s3.accessKey()),
        blankToNull(s3.secretKey()),
        s3.pathStyle(),
        s3.checksumsWhenRequired());
  }

  @Bean(destroyMethod = "close")
  ObjectStore objectStore(S3Settings settings, ObjectProvider<EmbeddedObjectStorage> embedded) {
    S3ObjectStore store = S3ObjectStore.connect(settings);
    if (embedded.getIfAvailable() != null) {
      store.createBucketIfMissing();
    } else {
      store.prepare();
    }
    return store;
  }

  private static @org.jspecify.annotations.Nullable String blankToNull(
      @org.jspecify.annotations.Nullable String text) {
    return text == null || text.isBlank() ? null : text;
  }

  static final class EmbeddedDatabaseCondition implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return Binder.get(context.getEnvironment())
          .bind("fedimon.database.url", String.class)
          .map(String::isBlank)
          .orElse(true);
    }
  }

  static final class EmbeddedObjectStoreCondition implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Binder binder = Binder.get(context.getEnvironment());
      boolean noEndpoint =
          binder.bind("fedimon.s3.endpoint", String.class).map(String::isBlank).orElse(true);
      boolean noKey =
          binder.bind("fedimon.s3.access-key", String.class).map(String::isBlank).orElse(true);
      return noEndpoint && noKey;
    }
  }
}
