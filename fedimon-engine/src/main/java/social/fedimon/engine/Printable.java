package social.fedimon.engine;

/** Makes names from hostile archives safe to print on a terminal or a web page. */
public final class Printable {

  /** Names longer than this are cut in messages; the limits elsewhere reject them anyway. */
  public static final int MAX_SHOWN_CHARS = 300;

  private Printable() {}

  /**
   * Replaces control characters (which could move a terminal's cursor or forge lines) by {@code
   * \\uXXXX} escapes and cuts very long names.
   */
  public static String name(String raw) {
    StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_SHOWN_CHARS) + 8);
    for (int i = 0; i < raw.length(); i++) {
      if (out.length() >= MAX_SHOWN_CHARS) {
        out.append("…");
        break;
      }
      char c = raw.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u202e') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
