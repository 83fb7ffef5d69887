package social.fedimon.server.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** Times, sizes and names as pages show them: {@code ${@fmt.utc(t)}}, {@code ${@fmt.bytes(n)}}. */
@Component("fmt")
public class Formats {

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  public String utc(@Nullable Instant at) {
    return at == null ? "" : UTC.format(at);
  }

  /** A domain name in Unicode (its punycode as stored). */
  public String domain(@Nullable String ascii) {
    return ascii == null ? "" : java.net.IDN.toUnicode(ascii);
  }

  /** 1.2 GB, 340 MB, 12 kB, 5 B (powers of 1000, as disks are sold). */
  public String bytes(long n) {
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    double value = n;
    int unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return unit == 0
        ? n + " B"
        : String.format(
            java.util.Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
  }
}
