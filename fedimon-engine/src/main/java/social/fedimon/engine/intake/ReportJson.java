package social.fedimon.engine.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The report as JSON, exactly as the contract spells it. */
public final class ReportJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportJson() {}

  public static String write(Report report) {
    try {
      return MAPPER.writeValueAsString(report);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Report read(String json) {
    try {
      return MAPPER.readValue(json, Report.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
