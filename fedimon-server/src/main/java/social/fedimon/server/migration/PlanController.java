package social.fedimon.server.migration;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.api.ApiException;
import social.fedimon.server.hosting.Hosting;
import social.fedimon.server.hosting.Plan;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.task.TaskProblem;

/** A change of an instance's plan, by its owner, once it is restored. */
@RestController
class PlanController {

  record Change(String plan) {}

  private final InstanceStore instances;
  private final Deploys deploys;
  private final MigrateIn migrateIn;

  PlanController(InstanceStore instances, Deploys deploys, MigrateIn migrateIn) {
    this.instances = instances;
    this.deploys = deploys;
    this.migrateIn = migrateIn;
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/plan", "/instances/{id}/plan"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> plan(
      @PathVariable UUID id,
      @RequestBody Change change,
      @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = instances.owned(id, account.id());
    Plan plan;
    try {
      plan = Plan.valueOf(String.valueOf(change.plan()).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("plan: small, medium or large");
    }
    if (!instance.hasEnv()) {
      throw ApiException.conflict("the instance is not restored yet: its plan is set when it runs");
    }
    Hosting.Deployed deployed;
    try {
      deployed = deploys.resize(instance, plan, migrateIn.env(id));
    } catch (TaskProblem e) {
      throw ApiException.conflict(e.getMessage());
    }
    return Map.of("plan", plan.name().toLowerCase(Locale.ROOT), "state", deployed.state());
  }
}
