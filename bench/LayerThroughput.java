// Reads an archive through FédiMon's archive layers only (no dump parsing, no classification):
// the figure issue 3's layer targets are about. Run by bench/inspect.sh as
//   java -cp 'fedimon-cli/target/fedimon-run/lib/*' bench/LayerThroughput.java ARCHIVE [password|identity-file]
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import social.fedimon.engine.Problem;
import social.fedimon.engine.archive.ArchiveEntry;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.ArchiveReader;
import social.fedimon.engine.archive.EntryVisitor;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;

public class LayerThroughput {
  public static void main(String[] args) throws Exception {
    Secrets secrets = Secrets.none();
    if (args.length > 1) {
      Path secret = Path.of(args[1]);
      secrets = Files.isRegularFile(secret)
          ? Secrets.load(List.of(), List.of(), List.of(secret))
          : Secrets.load(List.of(args[1]), List.of(), List.of());
    }
    long[] bytes = new long[1];
    byte[] buffer = new byte[256 * 1024];
    new ArchiveReader(ArchiveLimits.DEFAULTS, secrets)
        .read(
            Source.of(Path.of(args[0])),
            new EntryVisitor() {
              @Override
              public void file(ArchiveEntry entry, InputStream content) throws java.io.IOException {
                int n;
                while ((n = content.read(buffer)) > 0) {
                  bytes[0] += n;
                }
              }

              @Override
              public void problem(Problem problem) {}
            },
            n -> {});
    System.out.println(bytes[0]);
  }
}
