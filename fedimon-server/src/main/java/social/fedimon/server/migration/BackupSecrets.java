package social.fedimon.server.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.secret.SecretBox;

/** The passwords and identities that open an instance's archive: sealed at rest, never shown. */
@Component
public class BackupSecrets {

  /** As the API takes them. */
  public record Given(List<String> passwords, List<String> identities) {}

  private final InstanceStore instances;
  private final SecretBox box;
  private final ObjectMapper json;
  private final PlatformKeys platformKeys;

  BackupSecrets(
      InstanceStore instances, SecretBox box, ObjectMapper json, PlatformKeys platformKeys) {
    this.instances = instances;
    this.box = box;
    this.json = json;
    this.platformKeys = platformKeys;
  }

  /**
   * Checks and seals what was given, replacing what was there.
   *
   * @throws IllegalArgumentException if an identity cannot be used (the message names which)
   */
  public void store(UUID instance, Given given) {
    Secrets.of(given.passwords(), given.identities()); // refuses unusable identities now
    try {
      instances.secrets(instance, box.seal(json.writeValueAsString(given), context(instance)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What opens the archive: what the admin gave, and the platform's own keys for the instance when
   * they were shown (an archive encrypted to us needs nothing given).
   */
  public Secrets load(UUID instance) {
    byte[] sealed = instances.secrets(instance);
    List<String> ours = platformKeys.identities(instance);
    if (sealed == null) {
      return ours.isEmpty() ? Secrets.none() : Secrets.of(List.of(), ours);
    }
    try {
      Given given = json.readValue(box.open(sealed, context(instance)), Given.class);
      List<String> identities =
          new java.util.ArrayList<>(given.identities() == null ? List.of() : given.identities());
      identities.addAll(ours);
      return Secrets.of(given.passwords(), identities);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the sealed secrets of an instance do not parse", e);
    }
  }

  private static String context(UUID instance) {
    return "backup-secrets:" + instance;
  }
}
