package social.fedimon.cli;

import java.io.PrintStream;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bar on stderr (bytes read, rate, time left), shown only when stderr is a terminal:
 * {@code bin/fedimon} tells us so in {@code FEDIMON_STDERR_TTY}, since Java cannot ask.
 */
final class Progress implements AutoCloseable, LongConsumer {

  private static final long MIB = 1 << 20;

  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  /** A bar when stderr is a terminal, else a listener that does nothing. */
  static LongConsumerCloseable of(String task, OptionalLong total, PrintStream err) {
    if (!stderrIsTerminal()) {
      return new LongConsumerCloseable() {
        @Override
        public void accept(long value) {}

        @Override
        public void close() {}
      };
    }
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total.isPresent() ? Math.max(1, total.getAsLong() / MIB) : -1)
            .setUnit(" MiB", 1)
            .setStyle(ProgressBarStyle.ASCII)
            .showSpeed()
            .setUpdateIntervalMillis(250)
            .setConsumer(new ConsoleProgressBarConsumer(err))
            .build();
    Progress progress = new Progress(bar);
    return new LongConsumerCloseable() {
      @Override
      public void accept(long value) {
        progress.accept(value);
      }

      @Override
      public void close() {
        progress.close();
      }
    };
  }

  static boolean stderrIsTerminal() {
    String flag = System.getenv("FEDIMON_STDERR_TTY");
    if (flag != null) {
      return flag.equals("1");
    }
    return System.console() != null;
  }

  @Override
  public void accept(long bytes) {
    bar.stepTo(bytes / MIB);
  }

  @Override
  public void close() {
    bar.close();
  }

  /** A progress listener that is closed when the work ends. */
  interface LongConsumerCloseable extends LongConsumer, AutoCloseable {
    @Override
    void close();
  }
}
