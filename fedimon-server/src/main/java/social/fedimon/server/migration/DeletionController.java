package social.fedimon.server.migration;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.api.ApiException;
import social.fedimon.server.instance.InstanceStore;

/** An instance's deletion, for its owner: ask (after the grace period), take back, see. */
@RestController
class DeletionController {

  private final InstanceStore instances;
  private final Deletions deletions;

  DeletionController(InstanceStore instances, Deletions deletions) {
    this.instances = instances;
    this.deletions = deletions;
  }

  @GetMapping(path = "/api/v1/instances/{id}/deletion", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> deletion(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    owned(id, account);
    return view(deletions.of(id).orElse(null));
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/delete", "/instances/{id}/delete"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> delete(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    owned(id, account);
    return view(deletions.schedule(id));
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/delete/cancel", "/instances/{id}/delete/cancel"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> cancel(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    owned(id, account);
    if (!deletions.cancel(id)) {
      throw ApiException.conflict(
          deletions.of(id).isPresent()
              ? "the instance is deleted already"
              : "the instance's deletion was not asked for");
    }
    return view(null);
  }

  private void owned(UUID id, CurrentAccount account) {
    instances.owned(id, account.id());
  }

  private static Map<String, Object> view(Deletions.@org.jspecify.annotations.Nullable Deletion d) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("requestedAt", d == null ? null : d.requestedAt().toString());
    view.put("deleteAt", d == null ? null : d.deleteAt().toString());
    view.put("deletedAt", d == null || d.deletedAt() == null ? null : d.deletedAt().toString());
    return view;
  }
}
