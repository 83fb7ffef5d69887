package social.fedimon.server.account;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The operators: the accounts whose emails {@code FEDIMON_OPERATORS} lists, comma-separated. */
@Component
public class Operators {

  private final Set<String> emails;

  Operators(@Value("${fedimon.operators:}") String operators) {
    this.emails =
        Arrays.stream(operators.split(","))
            .map(e -> e.strip().toLowerCase(Locale.ROOT))
            .filter(e -> !e.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
  }

  public boolean isOperator(String email) {
    return emails.contains(email.toLowerCase(Locale.ROOT));
  }
}
