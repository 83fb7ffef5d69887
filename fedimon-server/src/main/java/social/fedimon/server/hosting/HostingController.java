package social.fedimon.server.hosting;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.api.ApiException;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;

/**
 * An instance on the cluster, for its owner: what the cluster says of it (pods, restarts, last
 * events, replicas), and stop (scaled to zero, data kept), start and a rolling restart. With no
 * cluster configured these answer 409 and say so: the instance's manifests wait for an operator.
 */
@RestController
class HostingController {

  private final InstanceStore instances;
  private final Hosting hosting;

  HostingController(InstanceStore instances, Hosting hosting) {
    this.instances = instances;
    this.hosting = hosting;
  }

  @GetMapping(
      path = {"/api/v1/instances/{id}/cluster", "/instances/{id}/cluster"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  Hosting.ClusterStatus status(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = deployable(id, account);
    return onCluster(() -> hosting.status(instance.localDomain()));
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/stop", "/instances/{id}/stop"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> stop(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = deployable(id, account);
    onCluster(
        () -> {
          hosting.scale(instance.localDomain(), 0);
          return null;
        });
    return Map.of("state", "stopped");
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/start", "/instances/{id}/start"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> start(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = deployable(id, account);
    onCluster(
        () -> {
          hosting.scale(instance.localDomain(), 1);
          return null;
        });
    return Map.of("state", "starting");
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/restart", "/instances/{id}/restart"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> restart(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = deployable(id, account);
    onCluster(
        () -> {
          hosting.restart(instance.localDomain());
          return null;
        });
    return Map.of("state", "restarting");
  }

  private Instance deployable(UUID id, CurrentAccount account) {
    Instance instance = instances.owned(id, account.id());
    if (!hosting.cluster()) {
      throw ApiException.conflict(
          "no cluster is configured on this platform: the instance's manifests wait for an"
              + " operator to apply them");
    }
    return instance;
  }

  private static <T> T onCluster(Supplier<T> call) {
    try {
      return call.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw ApiException.conflict("the instance is not on the cluster yet: its migration runs");
      }
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "unavailable",
          "the cluster did not answer; try again in a moment");
    }
  }
}
