package social.fedimon.cli;

import java.util.Locale;
import picocli.CommandLine;

/** {@code 512}, {@code 64K}, {@code 256M}, {@code 4G}, {@code 2T} (binary units). */
final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    String text = value.strip().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
    long multiplier = 1;
    if (!text.isEmpty()) {
      char unit = text.charAt(text.length() - 1);
      int shift = "KMGTP".indexOf(unit);
      if (shift >= 0) {
        multiplier = 1L << (10 * (shift + 1));
        text = text.substring(0, text.length() - 1);
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(text.strip()), multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new CommandLine.TypeConversionException("not a size: " + value + " (try 4G or 2T)");
    }
  }
}
