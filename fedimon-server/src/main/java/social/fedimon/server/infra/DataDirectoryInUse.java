package social.fedimon.server.infra;

import java.nio.file.Path;

/** Another FédiMon process already runs on the same data folder. */
public final class DataDirectoryInUse extends RuntimeException {

  private final Path root;
  private final String holder;

  public DataDirectoryInUse(Path root, String holder) {
    super(
        "FédiMon is already running with its data in "
            + root
            + (holder.isEmpty() ? "" : " (process " + holder + ")"));
    this.root = root;
    this.holder = holder;
  }

  public Path root() {
    return root;
  }

  /** The process id written by the holder, or empty when unknown. */
  public String holder() {
    return holder;
  }
}
