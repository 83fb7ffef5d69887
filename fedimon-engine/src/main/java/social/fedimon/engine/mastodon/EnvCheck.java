package social.fedimon.engine.mastodon;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;

/**
 * Checks an env file against what the instance needs: LOCAL_DOMAIN present, a valid domain, equal
 * to the instance request's; and the secrets the detected release needs, each named with what users
 * would suffer without it. Values are never put in a message.
 */
public final class EnvCheck {

  /**
   * The outcome.
   *
   * @param localDomain LOCAL_DOMAIN in ASCII (punycode for international names), if valid
   * @param missingSecrets names of the secrets the release needs that are absent
   * @param problems what is wrong
   */
  public record Result(
      @Nullable String localDomain, List<String> missingSecrets, List<Problem> problems) {}

  private EnvCheck() {}

  /**
   * @param release the source database's release (e.g. {@code 4.3}), null when unknown
   * @param expectedDomain the instance request's domain, null when there is none
   */
  public static Result check(
      EnvFile env, @Nullable String release, @Nullable String expectedDomain) {
    List<Problem> problems = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    String domain = null;
    Optional<String> local = env.nonBlank("LOCAL_DOMAIN");
    if (local.isEmpty()) {
      missing.add("LOCAL_DOMAIN");
      problems.add(
          Problem.of(
              ProblemCode.ENV_MISSING_SECRET,
              "LOCAL_DOMAIN is missing: it is the instance's name in the fediverse and can never"
                  + " change; add the value the old server ran with"));
    } else {
      domain = asciiDomain(local.get()).orElse(null);
      if (domain == null) {
        problems.add(
            Problem.of(
                ProblemCode.ENV_MISSING_SECRET,
                "LOCAL_DOMAIN is not a valid domain name: check the env file"));
      } else if (expectedDomain != null) {
        String expected =
            asciiDomain(expectedDomain).orElse(expectedDomain.toLowerCase(Locale.ROOT));
        if (!expected.equals(domain)) {
          problems.add(
              Problem.of(
                  ProblemCode.DOMAIN_MISMATCH,
                  "LOCAL_DOMAIN is "
                      + domain
                      + " but the instance request is for "
                      + expected
                      + ": an instance's domain can never change; send the backup of "
                      + expected
                      + " or correct the request"));
        }
      }
    }
    requireSecret(env, "SECRET_KEY_BASE", "every user would be logged out", missing, problems);
    if (release == null || before(release, "4.4")) {
      requireSecret(
          env,
          "OTP_SECRET",
          "two-factor authentication would stop working (4.3's migration re-encrypts its secrets with this key)",
          missing,
          problems);
    }
    requireSecret(
        env,
        "VAPID_PRIVATE_KEY",
        "web push notifications would stop working until users subscribe again",
        missing,
        problems);
    requireSecret(
        env,
        "VAPID_PUBLIC_KEY",
        "web push notifications would stop working until users subscribe again",
        missing,
        problems);
    if (release != null && !before(release, "4.3")) {
      for (String key :
          List.of(
              "ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY",
              "ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY",
              "ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT")) {
        requireSecret(
            env,
            key,
            "Mastodon 4.3 and later refuse to start without it, and encrypted columns cannot be read with another",
            missing,
            problems);
      }
    }
    return new Result(domain, List.copyOf(missing), List.copyOf(problems));
  }

  private static void requireSecret(
      EnvFile env, String key, String consequence, List<String> missing, List<Problem> problems) {
    if (env.nonBlank(key).isPresent()) {
      return;
    }
    missing.add(key);
    problems.add(
        Problem.of(
            ProblemCode.ENV_MISSING_SECRET,
            key + " is missing from the env file: without it, " + consequence));
  }

  /** The ASCII form of a domain name (IDN to punycode), if it is a valid one. */
  static Optional<String> asciiDomain(String name) {
    String trimmed = name.strip();
    if (trimmed.endsWith(".")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    String ascii;
    try {
      ascii = IDN.toASCII(trimmed, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (ascii.length() > 253 || !ascii.contains(".")) {
      return Optional.empty();
    }
    for (String label : ascii.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return Optional.empty();
      }
    }
    return Optional.of(ascii);
  }

  /** Whether release a (4.3, 4.1.2, 4.4-pre) is older than b. */
  static boolean before(String a, String b) {
    return compare(a, b) < 0;
  }

  static int compare(String a, String b) {
    String[] x = a.replace("-pre", "").split("\\.");
    String[] y = b.replace("-pre", "").split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int xi = i < x.length ? Integer.parseInt(x[i]) : 0;
      int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
      if (xi != yi) {
        return Integer.compare(xi, yi);
      }
    }
    return 0;
  }
}
