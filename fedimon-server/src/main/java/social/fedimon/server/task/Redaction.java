package social.fedimon.server.task;

import java.util.regex.Pattern;

/**
 * What an unexpected exception may say in a task's log and problem: its message with any password
 * in a URL ({@code scheme://user:password@host}) or a {@code password=} parameter blanked.
 */
final class Redaction {

  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/:@\\s]*):[^@\\s/]*@");
  private static final Pattern PARAMETER =
      Pattern.compile("(?i)((?:password|secret|token|key)=)[^&\\s]*");

  private Redaction() {}

  static String message(Throwable e) {
    String message = e.getMessage();
    String text =
        message == null || message.isBlank()
            ? e.getClass().getSimpleName()
            : message.length() > 500 ? message.substring(0, 500) + "…" : message;
    text = URL_PASSWORD.matcher(text).replaceAll("$1:***@");
    return PARAMETER.matcher(text).replaceAll("$1***");
  }
}
