package social.fedimon.server.account;

import java.util.UUID;
import org.springframework.security.core.AuthenticatedPrincipal;

/**
 * Who made the request. Kept in the session (the platform database's, so serializable); its name
 * there is the account's id.
 *
 * @param operator named in {@code FEDIMON_OPERATORS}
 */
public record CurrentAccount(UUID id, String email, boolean operator)
    implements java.io.Serializable, AuthenticatedPrincipal {

  @Override
  public String getName() {
    return id.toString();
  }
}
