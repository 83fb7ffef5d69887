package social.fedimon.server.backup;

/**
 * A download link that may not be followed (a forbidden address, scheme or redirect) or whose
 * answer broke a limit: permanent, with a message in plain words.
 */
public class LinkRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  public LinkRefused(String code, String message) {
    super(message);
    this.code = code;
  }

  /** {@code link-refused} or {@code size-limit}. */
  public String code() {
    return code;
  }
}
