package social.fedimon.server.dns;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
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
 * {@code /api/v1/instances/{id}/dns}: the records to create and the last check's verdict of each;
 * {@code POST .../dns-check} checks now.
 */
@RestController
class DnsController {

  /**
   * @param verified whether the platform considers the DNS verified (the migration waits for it)
   */
  record DnsView(
      boolean configured,
      boolean verified,
      @Nullable Instant checkedAt,
      List<DnsVerification.Row> records) {}

  private final DnsVerification verification;
  private final DnsRecords records;
  private final InstanceStore instances;

  DnsController(DnsVerification verification, DnsRecords records, InstanceStore instances) {
    this.verification = verification;
    this.records = records;
    this.instances = instances;
  }

  @GetMapping(path = "/api/v1/instances/{id}/dns", produces = MediaType.APPLICATION_JSON_VALUE)
  DnsView dns(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    return view(owned(id, account));
  }

  @PostMapping(
      path = "/api/v1/instances/{id}/dns-check",
      produces = MediaType.APPLICATION_JSON_VALUE)
  DnsView check(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = owned(id, account);
    verification.checkNow(instance);
    return view(instances.find(id).orElseThrow());
  }

  private DnsView view(Instance instance) {
    DnsVerification.Status status = verification.status(instance);
    return new DnsView(
        records.properties().configured(),
        instance.dnsVerifiedAt() != null,
        status.checkedAt(),
        status.records());
  }

  private Instance owned(UUID id, CurrentAccount account) {
    return instances
        .findOwned(id, account.id())
        .orElseThrow(() -> ApiException.notFound("this instance"));
  }
}
