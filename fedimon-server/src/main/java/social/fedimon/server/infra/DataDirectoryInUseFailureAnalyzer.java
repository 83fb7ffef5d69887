package social.fedimon.server.infra;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a second start on the same data folder into a plain message instead of a stack trace. */
class DataDirectoryInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirectoryInUse> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, DataDirectoryInUse cause) {
    return new FailureAnalysis(
        cause.getMessage() + ". Nothing was started and nothing in that folder was touched.",
        "Stop the running server first (Ctrl-C in its terminal), or start this one on another folder"
            + " with FEDIMON_DATA_DIR.",
        cause);
  }
}
