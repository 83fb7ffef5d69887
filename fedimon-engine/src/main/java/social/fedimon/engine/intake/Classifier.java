package social.fedimon.engine.intake;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.Problem;
import social.fedimon.engine.archive.ArchiveEntry;
import social.fedimon.engine.archive.DecoderThreads;
import social.fedimon.engine.archive.Drain;
import social.fedimon.engine.archive.Layer;
import social.fedimon.engine.archive.ReadAhead;
import social.fedimon.engine.dump.DumpSniffer;
import social.fedimon.engine.mastodon.EnvFile;
import social.fedimon.engine.mastodon.MediaLayout;

/**
 * Sorts the files of a backup, as they stream past, into env file, database dump, media and the
 * rest: by name and place for the env file and media, by content for dumps and for env files with
 * another name.
 */
final class Classifier implements MediaAware {

  /** The name Mastodon gives its env file. */
  static final String ENV_FILE_NAME = ".env.production";

  /** An env file is a few KiB; a file bigger than this is read no further for one. */
  static final int MAX_ENV_BYTES = 1 << 20;

  /** Files with another name are only tried as env files up to this size. */
  static final int MAX_UNNAMED_ENV_BYTES = 64 * 1024;

  /** How many names of other files the report lists. */
  static final int OTHER_NAMES_SHOWN = 50;

  private static final Pattern LOCAL_DOMAIN_LINE =
      Pattern.compile("(?m)^\\s*(export\\s+)?LOCAL_DOMAIN\\s*[=:]");

  private final String sourceName;

  String sourceName() {
    return sourceName;
  }

  final List<Layer> layers = new ArrayList<>();
  final List<Problem> problems = new ArrayList<>();
  final List<EnvCandidate> envs = new ArrayList<>();
  final DumpFinder dumps;
  private final DecoderThreads threads;
  final MediaTally media = new MediaTally();
  final List<OtherFile> others = new ArrayList<>();
  byte[] firstBytes = new byte[0];
  boolean readToEnd;

  record EnvCandidate(String name, EnvFile env, boolean named) {}

  record OtherFile(String name, long bytes) {}

  Classifier(String sourceName, social.fedimon.engine.dump.DumpPolicy policy) {
    this(
        sourceName,
        policy,
        true,
        social.fedimon.engine.archive.ArchiveLimits.DEFAULTS,
        DecoderThreads.perCore());
  }

  /** {@code countRows}: see {@link social.fedimon.engine.dump.DumpSummary#DumpSummary(boolean)}. */
  Classifier(
      String sourceName,
      social.fedimon.engine.dump.DumpPolicy policy,
      boolean countRows,
      social.fedimon.engine.archive.ArchiveLimits limits,
      DecoderThreads threads) {
    this.sourceName = sourceName;
    this.threads = threads;
    this.dumps = new DumpFinder(sourceName, policy, countRows, limits);
  }

  @Override
  public void layer(Layer layer) {
    layers.add(layer);
  }

  @Override
  public void problem(Problem problem) {
    problems.add(problem);
  }

  @Override
  public void file(ArchiveEntry entry, InputStream content) throws IOException {
    if (entry.fileName().equals(ENV_FILE_NAME)) {
      readEnv(entry, content, MAX_ENV_BYTES, true);
      return;
    }
    Optional<MediaLayout.MediaPath> mediaPath = MediaLayout.locate(entry.name());
    if (mediaPath.isPresent()) {
      media.add(mediaPath.get(), Drain.all(content));
      return;
    }
    BufferedInputStream buffered = new BufferedInputStream(content, DumpSniffer.HEAD_BYTES);
    buffered.mark(DumpSniffer.HEAD_BYTES);
    byte[] head = buffered.readNBytes(DumpSniffer.HEAD_BYTES);
    buffered.reset();
    if (firstBytes.length == 0) {
      firstBytes = java.util.Arrays.copyOf(head, Math.min(head.length, 64));
    }
    Optional<DumpSniffer.Kind> kind = DumpSniffer.sniff(head, head.length);
    if (kind.isPresent() && !DumpFinder.isRestoreScript(entry, head)) {
      // the layers below decode on one core while the dump is parsed on another
      try (ReadAhead ahead = new ReadAhead(buffered, 1 << 20, threads)) {
        dumps.dump(entry, kind.get(), ahead);
      }
      return;
    }
    if (head.length < MAX_UNNAMED_ENV_BYTES && LOCAL_DOMAIN_LINE.matcher(text(head)).find()) {
      if (readEnv(entry, buffered, MAX_UNNAMED_ENV_BYTES, false)) {
        return;
      }
    }
    others.add(new OtherFile(entry.name(), dumps.maybeTableFile(entry, buffered)));
  }

  /** Reads and parses an env file; false when an unnamed candidate turns out not to be one. */
  private boolean readEnv(ArchiveEntry entry, InputStream content, int maxBytes, boolean named)
      throws IOException {
    byte[] bytes = content.readNBytes(maxBytes + 1);
    if (bytes.length > maxBytes) {
      if (named) {
        problems.add(
            Problem.of(
                social.fedimon.engine.ProblemCode.SIZE_LIMIT,
                "the env file is bigger than " + maxBytes + " bytes; it was not read",
                entry.name()));
      } else {
        others.add(new OtherFile(entry.name(), bytes.length + Drain.all(content)));
      }
      return false;
    }
    String text;
    try {
      text = decodeStrict(bytes);
    } catch (CharacterCodingException e) {
      if (!named) {
        others.add(new OtherFile(entry.name(), bytes.length));
        return false;
      }
      text = new String(bytes, StandardCharsets.UTF_8);
    }
    EnvFile env;
    try {
      env = EnvFile.parse(text);
    } catch (BackupRejected e) {
      if (!named) {
        others.add(new OtherFile(entry.name(), bytes.length));
        return false;
      }
      problems.add(new Problem(e.problem().code(), e.problem().message(), entry.name()));
      return true;
    }
    if (!named && !env.has("LOCAL_DOMAIN")) {
      others.add(new OtherFile(entry.name(), bytes.length));
      return false;
    }
    envs.add(new EnvCandidate(entry.name(), env, named));
    return true;
  }

  /** The env file to use: one named .env.production before others, the shallowest first. */
  Optional<EnvCandidate> chosenEnv() {
    return envs.stream()
        .min(
            Comparator.comparing((EnvCandidate c) -> !c.named())
                .thenComparingInt(c -> depth(c.name()))
                .thenComparing(EnvCandidate::name));
  }

  private static int depth(String name) {
    return (int) name.chars().filter(c -> c == '/').count();
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String decodeStrict(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(java.nio.ByteBuffer.wrap(bytes))
        .toString();
  }
}
