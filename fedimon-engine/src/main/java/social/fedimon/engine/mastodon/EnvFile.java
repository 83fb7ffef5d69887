package social.fedimon.engine.mastodon;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code .env.production}: keys in file order (a key given twice keeps its first place and
 * its last value, as dotenv does). Values are secrets as often as not: {@link #toString()} never
 * shows them.
 */
public final class EnvFile {

  private final Map<String, String> values;

  EnvFile(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Parses dotenv text; see {@link EnvParser} for the rules and limits. */
  public static EnvFile parse(String text) {
    return EnvParser.parse(text);
  }

  public List<String> keys() {
    return List.copyOf(values.keySet());
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** A value that is present and not blank. */
  public Optional<String> nonBlank(String key) {
    return get(key).filter(v -> !v.isBlank());
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public Map<String, String> values() {
    return values;
  }

  @Override
  public String toString() {
    return "EnvFile" + values.keySet();
  }
}
