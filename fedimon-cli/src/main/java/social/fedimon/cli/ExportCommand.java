package social.fedimon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import social.fedimon.engine.archive.Sizes;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.export.ExportFlow;
import social.fedimon.engine.export.ExportSource;
import social.fedimon.engine.export.PgDump;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.StoreLocation;
import social.fedimon.engine.media.UploadStream;

/** {@code fedimon export}: a database and its env as one checked {@code tar.zst}. */
@Command(
    name = "export",
    description = {
      "Export a Mastodon database (pg_dump, custom format) and its .env.production as one"
          + " tar.zst, encrypted to an OpenPGP key if one is given, then read it back and check it"
          + " (every layer, and the dump's row counts against the database's exact counts) before"
          + " saying it is done.",
      "The archive opens with tar and zstd (and gpg), and its database.dump with pg_restore;"
          + " fedimon inspect and fedimon restore read it as it is. pg_dump comes from PATH and"
          + " must be at least as new as the server."
    })
final class ExportCommand implements Callable<Integer> {

  @Option(
      names = "--database-url",
      required = true,
      paramLabel = "URL",
      description = "postgresql://user:pass@host:port/db or jdbc:postgresql://...")
  String databaseUrl;

  @Option(names = "--env-file", paramLabel = "FILE", description = "The .env.production to add.")
  Path envFile;

  @Option(
      names = "--pgp-key",
      paramLabel = "FILE",
      description = "Encrypt to this OpenPGP public key (armored or binary).")
  Path pgpKey;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "FILE|URI",
      description = "Where the archive goes: a file, file:///dir/name or s3://bucket/prefix/name.")
  String to;

  @Option(
      names = "--media-from",
      paramLabel = "URI",
      description =
          "Also put the instance's media in the archive (a full export), from a folder,"
              + " file:///dir or s3://bucket/prefix, under public/system/ as Mastodon lays them out.")
  String mediaFrom;

  @Option(
      names = "--pg-dump",
      paramLabel = "PATH",
      description = "The pg_dump to run (default: the first on PATH).")
  Path pgDumpPath;

  @Option(names = "--format", paramLabel = "text|json", description = "text (default) or json.")
  InspectCommand.Format format = InspectCommand.Format.text;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException, SQLException {
    ExportSource source;
    PGPPublicKeyRing recipient = null;
    String env = null;
    Destination destination;
    try {
      source = ExportSource.parse(databaseUrl);
      if (pgpKey != null) {
        recipient = ExportFlow.readPublicKey(Files.readAllBytes(pgpKey));
      }
      if (envFile != null) {
        env = Files.readString(envFile, StandardCharsets.UTF_8);
      }
      destination = Destination.of(to);
    } catch (IllegalArgumentException | IOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    ExportFlow.Result result;
    try {
      PgDump pgDump = PgDump.find(pgDumpPath, System.getenv());
      ExportFlow flow = new ExportFlow(pgDump, Path.of(System.getProperty("java.io.tmpdir")));
      try (Progress.LongConsumerCloseable progress =
          Progress.of("Exporting", OptionalLong.empty(), System.err)) {
        ObjectStore media =
            mediaFrom == null ? null : StoreLocation.open(mediaFrom, System.getenv());
        try {
          result = flow.write(source, env, media, recipient, destination.open(), progress);
        } finally {
          if (media != null) {
            media.close();
          }
        }
      }
      ExportFlow.verify(destination.source(), result);
      destination.commit();
    } catch (IOException | SQLException | RuntimeException e) {
      destination.discard();
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == InspectCommand.Format.json) {
      ObjectMapper json = new ObjectMapper();
      ObjectNode node = json.createObjectNode();
      node.put("archive", to);
      node.put("bytes", result.bytes());
      node.put("sha256", result.sha256());
      node.put("encrypted", result.encrypted());
      node.putPOJO("layers", result.layers());
      node.putPOJO("rowCounts", result.rowCounts());
      node.put("pgDump", result.pgDumpVersion());
      node.put("server", result.serverVersion());
      if (mediaFrom != null) {
        node.put("mediaFiles", result.mediaFiles());
        node.put("mediaBytes", result.mediaBytes());
      }
      node.put("verified", true);
      out.println(json.writeValueAsString(node));
    } else {
      long rows = result.rowCounts().values().stream().mapToLong(Long::longValue).sum();
      out.println(
          "Exported "
              + source
              + " to "
              + to
              + ": "
              + Sizes.human(result.bytes())
              + " ("
              + String.join(" + ", result.layers())
              + "), "
              + result.rowCounts().size()
              + " tables, "
              + rows
              + " rows; read back and checked.");
    }
    out.flush();
    return Fedimon.OK;
  }

  /**
   * Where the archive is written: a file gets a partial name until it is checked; an object is
   * removed again if the check fails.
   */
  private interface Destination {
    OutputStream open() throws IOException;

    Source source();

    void commit() throws IOException;

    void discard();

    static Destination of(String to) {
      boolean uri = to.startsWith("s3://") || to.startsWith("file://");
      if (!uri) {
        return new FileDestination(Path.of(to).toAbsolutePath());
      }
      int slash = to.lastIndexOf('/');
      String parent = to.substring(0, slash);
      String key = to.substring(slash + 1);
      if (key.isEmpty() || parent.endsWith(":/")) {
        throw new IllegalArgumentException("--to needs an object name after the location: " + to);
      }
      return new StoreDestination(StoreLocation.open(parent, System.getenv()), key);
    }
  }

  private static final class FileDestination implements Destination {
    private final Path file;
    private final Path partial;

    FileDestination(Path file) {
      this.file = file;
      this.partial = file.resolveSibling(file.getFileName() + ".partial");
    }

    @Override
    public OutputStream open() throws IOException {
      return Files.newOutputStream(partial);
    }

    @Override
    public Source source() {
      return Source.of(partial);
    }

    @Override
    public void commit() throws IOException {
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void discard() {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        // reported by the failure itself
      }
    }
  }

  private static final class StoreDestination implements Destination {
    private final ObjectStore store;
    private final String key;

    StoreDestination(ObjectStore store, String key) {
      this.store = store;
      this.key = key;
    }

    @Override
    public OutputStream open() {
      return new UploadStream(store, key, "application/octet-stream");
    }

    @Override
    public Source source() {
      return new Source() {
        @Override
        public String name() {
          return key;
        }

        @Override
        public InputStream open() {
          return store.open(key);
        }

        @Override
        public Optional<Path> file() {
          return Optional.empty();
        }

        @Override
        public OptionalLong size() {
          return OptionalLong.empty();
        }
      };
    }

    @Override
    public void commit() {
      store.close();
    }

    @Override
    public void discard() {
      try {
        store.delete(key);
      } finally {
        store.close();
      }
    }
  }
}
