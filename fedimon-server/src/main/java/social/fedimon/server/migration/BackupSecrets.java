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

  BackupSecrets(InstanceStore instances, SecretBox box, ObjectMapper json) {
    this.instances = instances;
    this.box = box;
    this.json = json;
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

  /** What opens the archive; none when nothing was given. */
  public Secrets load(UUID instance) {
    byte[] sealed = instances.secrets(instance);
    if (sealed == null) {
      return Secrets.none();
    }
    try {
      Given given = json.readValue(box.open(sealed, context(instance)), Given.class);
      return Secrets.of(given.passwords(), given.identities());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the sealed secrets of an instance do not parse", e);
    }
  }

  private static String context(UUID instance) {
    return "backup-secrets:" + instance;
  }
}
