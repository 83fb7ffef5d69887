package social.fedimon.server.migration;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;

/**
 * The platform's public keys for one of the account's instances: as JSON in the API, and the
 * OpenPGP key as a file from the instance page.
 */
@RestController
class PlatformKeysController {

  private final InstanceStore instances;
  private final PlatformKeys keys;

  PlatformKeysController(InstanceStore instances, PlatformKeys keys) {
    this.instances = instances;
    this.keys = keys;
  }

  @GetMapping(path = "/api/v1/instances/{id}/keys", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, String> keys(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    PlatformKeys.Published published = published(id, account);
    return Map.of(
        "ageRecipient",
        published.ageRecipient(),
        "openPgpKey",
        published.openPgpKey(),
        "openPgpFingerprint",
        published.openPgpFingerprint());
  }

  @GetMapping("/instances/{id}/keys/openpgp.asc")
  ResponseEntity<String> openPgpKey(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = owned(id, account);
    PlatformKeys.Published published = keys.published(id, instance.localDomain());
    return ResponseEntity.ok()
        .contentType(new MediaType("application", "pgp-keys", StandardCharsets.UTF_8))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment()
                .filename("fedimon-" + instance.localDomain() + ".asc")
                .build()
                .toString())
        .body(published.openPgpKey());
  }

  private PlatformKeys.Published published(UUID id, CurrentAccount account) {
    return keys.published(id, owned(id, account).localDomain());
  }

  private Instance owned(UUID id, CurrentAccount account) {
    return instances.owned(id, account.id());
  }
}
