package social.fedimon.server.infra;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;
import social.fedimon.engine.media.ObjectStore;

/** {@code objectStore} in {@code /actuator/health}: UP when the bucket answers. */
@Component("objectStoreHealthIndicator")
class ObjectStoreHealthIndicator extends AbstractHealthIndicator {

  private final ObjectStore objectStore;

  ObjectStoreHealthIndicator(ObjectStore objectStore) {
    super("the object store did not answer");
    this.objectStore = objectStore;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    objectStore.checkReachable();
    builder.up().withDetail("location", objectStore.location());
  }
}
