package social.fedimon.server.account;

import java.util.UUID;

/**
 * Who made the request.
 *
 * @param operator named in {@code FEDIMON_OPERATORS}
 */
public record CurrentAccount(UUID id, String email, boolean operator)
    implements java.io.Serializable {}
