package social.fedimon.server.migration;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.api.ApiException;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskView;

/** An instance's release and the newer ones of its fork it may be upgraded to, for its owner. */
@RestController
class UpgradeController {

  /**
   * @param fork another fork to switch to (from Mastodon only); null: the same
   * @param target {@code "glitch-soc 4.5"} or {@code "4.5"}: fork and release in one (the page's)
   */
  record UpgradeRequest(@Nullable String release, @Nullable String fork, @Nullable String target) {}

  private final InstanceStore instances;
  private final Upgrades upgrades;

  UpgradeController(InstanceStore instances, Upgrades upgrades) {
    this.instances = instances;
    this.upgrades = upgrades;
  }

  @GetMapping(path = "/api/v1/instances/{id}/upgrade", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> offered(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = instances.owned(id, account.id());
    Upgrades.Offer offer = upgrades.offer(instance);
    if (offer == null) {
      throw ApiException.conflict("the instance is not restored yet: it has no release to upgrade");
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("fork", offer.fork());
    view.put("release", offer.release());
    view.put("available", offer.available());
    view.put("forks", offer.forks());
    view.put("task", offer.running() == null ? null : offer.running().id().toString());
    return view;
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/upgrade", "/instances/{id}/upgrade"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<TaskView> upgrade(
      @PathVariable UUID id,
      @RequestBody UpgradeRequest request,
      @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = instances.owned(id, account.id());
    String release = request.release() == null ? "" : request.release().trim();
    String fork = request.fork() == null ? null : request.fork().trim();
    if (request.target() != null) {
      String[] parts = request.target().trim().split("\\s+");
      release = parts[parts.length - 1];
      fork = parts.length > 1 ? parts[0] : null;
    }
    Task task;
    try {
      task = upgrades.start(instance, release, fork);
    } catch (Upgrades.Refused e) {
      throw e.conflict()
          ? ApiException.conflict(e.getMessage())
          : ApiException.invalid(e.getMessage());
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(TaskView.of(task));
  }
}
