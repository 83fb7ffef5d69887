package social.fedimon.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import social.fedimon.engine.archive.Sizes;
import social.fedimon.engine.media.MediaSync;
import social.fedimon.engine.media.MediaUploader;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.StoreLocation;

/** {@code fedimon media}: moving an instance's media between stores. */
@Command(
    name = "media",
    description = "Move an instance's media between stores.",
    subcommands = {MediaCommand.Sync.class})
final class MediaCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a media command (sync).");
  }

  /** {@code fedimon media sync --from URI --to URI}. */
  @Command(
      name = "sync",
      description = {
        "Copy media from one store to another, incrementally: objects already there (same size"
            + " and content, or from a folder not modified since) are not sent again.",
        "Run it while the old instance still serves, then once more at cut-over: a sync after a"
            + " complete one compares the source with the record that one left in the target"
            + " (under .fedimon/), without listing the target. The source is only read."
            + " Locations: a folder, file:///dir or s3://bucket/prefix (endpoint, region and keys"
            + " from FEDIMON_S3_* or AWS_*)."
      })
  static final class Sync implements Callable<Integer> {

    @Option(
        names = "--from",
        required = true,
        paramLabel = "URI",
        description = "Where the media are.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "URI", description = "Where they go.")
    String to;

    @Option(
        names = "--concurrency",
        paramLabel = "N",
        description = "Requests at once (default: 16).")
    int concurrency = MediaUploader.DEFAULT_CONCURRENCY;

    @Option(
        names = "--full",
        description =
            "Compare with a listing of the target instead of the record the last complete sync"
                + " from this source left there (use it when something else may have removed"
                + " objects from the target).")
    boolean full;

    @Option(names = "--format", paramLabel = "text|json", description = "text (default) or json.")
    InspectCommand.Format format = InspectCommand.Format.text;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      ObjectStore source;
      ObjectStore target;
      try {
        source = StoreLocation.open(from, System.getenv());
        target = StoreLocation.open(to, System.getenv());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      MediaSync.Result result;
      try (source;
          target;
          Progress.LongConsumerCloseable progress =
              Progress.of("Syncing", java.util.OptionalLong.empty(), System.err)) {
        result = MediaSync.sync(source, target, concurrency, progress, full);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (format == InspectCommand.Format.json) {
        out.println(
            "{\"files\": "
                + result.files()
                + ", \"bytes\": "
                + result.bytes()
                + ", \"skipped\": "
                + result.skipped()
                + "}");
      } else {
        out.println(
            "Sent "
                + result.files()
                + " files ("
                + Sizes.human(result.bytes())
                + "), "
                + result.skipped()
                + " already there.");
      }
      out.flush();
      return Fedimon.OK;
    }
  }
}
