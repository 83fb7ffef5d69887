package social.fedimon.engine;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with a backup, as the report shows it.
 *
 * @param code what kind of problem
 * @param message for a person: what is wrong and what to do about it; never holds a secret
 * @param entry the archive entry concerned (as written in the archive, made printable), if any
 */
public record Problem(ProblemCode code, String message, @Nullable String entry) {

  public static Problem of(ProblemCode code, String message) {
    return new Problem(code, message, null);
  }

  public static Problem of(ProblemCode code, String message, @Nullable String entry) {
    return new Problem(code, message, entry == null ? null : Printable.name(entry));
  }

  public Optional<String> entryName() {
    return Optional.ofNullable(entry);
  }
}
