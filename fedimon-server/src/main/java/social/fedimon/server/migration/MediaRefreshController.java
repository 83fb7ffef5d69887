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
import social.fedimon.server.hosting.Hosting;
import social.fedimon.server.hosting.InstanceManifests;
import social.fedimon.server.hosting.InstanceSpec;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskProblem;
import social.fedimon.server.task.TaskService;
import social.fedimon.server.task.TaskState;

/**
 * The cached media of other servers the backup did not have, for the instance's owner: how many,
 * and the Job that fetches them again ({@code tootctl media refresh}), on their word.
 */
@RestController
class MediaRefreshController {

  private final InstanceStore instances;
  private final CachedMedia cachedMedia;
  private final Deploys deploys;
  private final Hosting hosting;
  private final MigrateIn migrateIn;
  private final Deletions deletions;
  private final TaskService tasks;
  private final java.time.Clock clock;

  MediaRefreshController(
      InstanceStore instances,
      CachedMedia cachedMedia,
      Deploys deploys,
      Hosting hosting,
      MigrateIn migrateIn,
      Deletions deletions,
      TaskService tasks,
      java.time.Clock clock) {
    this.instances = instances;
    this.cachedMedia = cachedMedia;
    this.deploys = deploys;
    this.hosting = hosting;
    this.migrateIn = migrateIn;
    this.deletions = deletions;
    this.tasks = tasks;
    this.clock = clock;
  }

  @GetMapping(
      path = "/api/v1/instances/{id}/media-refresh",
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> counted(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    instances.owned(id, account.id());
    return view(cachedMedia.of(id).orElse(null));
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/media-refresh", "/instances/{id}/media-refresh"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> refresh(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = instances.owned(id, account.id());
    Task migration = tasks.first(id, MigrateIn.NAME);
    if (migration == null || migration.state() != TaskState.SUCCEEDED) {
      throw ApiException.conflict("the instance is not restored yet: its media are still to come");
    }
    if (deletions.of(id).isPresent()) {
      throw ApiException.conflict("the instance is being deleted");
    }
    CachedMedia.Count count = cachedMedia.of(id).orElse(null);
    if (count == null || count.missing() == 0) {
      throw ApiException.conflict("no cached media of other servers is missing: nothing to fetch");
    }
    if (count.refreshJob() != null
        && hosting.cluster()
        && !hosting.jobEnded(instance.localDomain(), count.refreshJob())) {
      throw ApiException.conflict(
          "the Job " + count.refreshJob() + " fetches them already: wait for its end");
    }
    InstanceSpec spec;
    try {
      spec = deploys.spec(instance, migrateIn.env(id));
    } catch (TaskProblem e) {
      throw ApiException.conflict(e.getMessage());
    }
    String name = "media-refresh-" + Long.toString(clock.instant().getEpochSecond(), 36);
    Hosting.Deployed started;
    try {
      started = hosting.runJob(spec, hosting.manifests().mediaRefresh(spec, count.days(), name));
    } catch (InstanceManifests.Refused e) {
      throw ApiException.conflict(e.getMessage());
    }
    cachedMedia.asked(id, name);
    Map<String, Object> view = view(cachedMedia.of(id).orElseThrow());
    view.put("state", started.state());
    view.put("commands", started.commands());
    return view;
  }

  private static Map<String, Object> view(CachedMedia.@org.jspecify.annotations.Nullable Count c) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("remote", c == null ? null : c.remote());
    view.put("missing", c == null ? null : c.missing());
    view.put("days", c == null ? null : c.days());
    view.put("checkedAt", c == null ? null : c.checkedAt().toString());
    view.put("job", c == null ? null : c.refreshJob());
    view.put(
        "askedAt", c == null || c.refreshAskedAt() == null ? null : c.refreshAskedAt().toString());
    return view;
  }
}
