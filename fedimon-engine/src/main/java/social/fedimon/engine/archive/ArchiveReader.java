package social.fedimon.engine.archive;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * Reads an archive in one pass: peels its layers by content, outermost first, in any nesting order,
 * and hands every regular file to an {@link EntryVisitor}. Nothing is extracted; the only bytes
 * written anywhere are zip and 7z archives that arrive as a stream, spooled once to a private
 * temporary folder that is deleted afterwards.
 *
 * <p>Failures that stop the read are thrown as {@link BackupRejected} with their problem code;
 * refused entries (traversal, links, special files) are reported to the visitor and skipped.
 */
public final class ArchiveReader {

  /** Read buffer for each layer: large enough for decoders to work in big chunks. */
  static final int BUFFER_BYTES = 64 * 1024;

  private final ArchiveLimits limits;
  private final Secrets secrets;
  private final DecoderThreads threads;

  /** A reader whose parallel decoders run on one thread per core of its own. */
  public ArchiveReader(ArchiveLimits limits, Secrets secrets) {
    this(limits, secrets, DecoderThreads.perCore());
  }

  /**
   * @param threads the decoding and read-ahead threads, shared with whatever else the caller reads
   */
  public ArchiveReader(ArchiveLimits limits, Secrets secrets, DecoderThreads threads) {
    this.limits = limits;
    this.secrets = secrets;
    this.threads = threads;
  }

  /**
   * Reads {@code source} to its end.
   *
   * @param progress told the total of source bytes read so far, every {@value #BUFFER_BYTES} bytes
   *     or so
   * @throws BackupRejected when the archive cannot be read further
   */
  public void read(Source source, EntryVisitor visitor, LongConsumer progress) {
    try (TempFolder temp = new TempFolder();
        InputStream raw = source.open()) {
      ProgressStream counted = new ProgressStream(raw, progress);
      Walk walk = new Walk(limits, secrets, visitor, temp, threads);
      Chain chain = new Chain(source.name(), List.of(), true, true, null, null, 0, -1);
      peel(walk, counted, source.file(), chain);
      drain(counted, source.name());
      progress.accept(counted.count());
    } catch (IOException e) {
      throw asRejection(e, source.name());
    } catch (UncheckedIOException e) {
      throw asRejection(e.getCause(), source.name());
    }
  }

  /**
   * What is known of the stream being peeled.
   *
   * @param name the entry (or source) name, for messages and for a file entry
   * @param pending layers peeled from this stream so far
   * @param outer whether layers found here belong to the archive's own chain
   * @param bare whether no container has been met yet (the source itself is the file)
   * @param enclosingArchive the nested archive this stream came out of
   * @param enclosingLayer the container this stream is an entry of
   * @param depth layers above this stream
   * @param declaredSize the size its container declares, -1 if none
   */
  record Chain(
      String name,
      List<Layer> pending,
      boolean outer,
      boolean bare,
      @Nullable String enclosingArchive,
      @Nullable Layer enclosingLayer,
      int depth,
      long declaredSize) {

    Chain with(Layer layer) {
      List<Layer> layers = new ArrayList<>(pending);
      layers.add(layer);
      return new Chain(
          name, layers, outer, bare, enclosingArchive, enclosingLayer, depth + 1, declaredSize);
    }
  }

  /** Peels one stream: a layer around more bytes, a container of entries, or a plain file. */
  static void peel(Walk walk, InputStream in, Optional<Path> seekable, Chain chain)
      throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, BUFFER_BYTES);
    byte[] head = new byte[LayerDetector.HEAD_BYTES];
    buffered.mark(head.length);
    int length = buffered.readNBytes(head, 0, head.length);
    buffered.reset();
    Optional<Layer> detected = LayerDetector.detect(head, length);
    if (detected.isEmpty()) {
      deliver(walk, buffered, chain);
      return;
    }
    Layer layer = detected.get();
    if (chain.depth() >= walk.limits.maxDepth()) {
      throw BackupRejected.of(
          ProblemCode.SIZE_LIMIT,
          chain.name() + " nests layers deeper than " + walk.limits.maxDepth() + ", the limit",
          chain.name());
    }
    switch (layer.kind()) {
      case ENCRYPTION, COMPRESSION -> peelLayer(walk, buffered, layer, head, length, chain);
      case CONTAINER -> openContainer(walk, buffered, seekable, layer, chain);
    }
  }

  private static void peelLayer(
      Walk walk, InputStream in, Layer layer, byte[] head, int length, Chain chain)
      throws IOException {
    String where = describe(layer, chain);
    CountingInputStream consumed = new CountingInputStream(in);
    InputStream decoded =
        openLayer(walk, consumed, layer, !startsWithAgeMagic(head, length), chain, where);
    InputStream guarded =
        new ExpansionGuard(decoded, consumed::count, walk.limits, where, ExpansionBudget.NONE);
    try {
      peel(walk, guarded, Optional.empty(), chain.with(layer));
      // the rest of the layer is read too: that is where its checksum or MAC is checked
      drain(guarded, where);
    } catch (IOException e) {
      reportOuterLayers(walk, chain, layer);
      throw asRejection(e, where);
    } catch (BackupRejected e) {
      reportOuterLayers(walk, chain, layer);
      throw e;
    }
  }

  /**
   * When reading fails before any container was met, the layers peeled so far are still the
   * archive's own: report them (once, from the innermost layer that failed).
   */
  private static void reportOuterLayers(Walk walk, Chain chain, Layer layer) {
    if (chain.bare() && !walk.outerLayersReported) {
      chain.pending().forEach(walk.visitor::layer);
      walk.visitor.layer(layer);
      walk.outerLayersReported = true;
    }
  }

  /** Opens a layer; when that fails on the archive's outer chain, the layers met so far count. */
  private static InputStream openLayer(
      Walk walk, InputStream in, Layer layer, boolean armored, Chain chain, String where)
      throws IOException {
    try {
      return switch (layer) {
        case AGE -> AgeDecryption.open(in, armored, walk.secrets, walk.limits, walk.threads, where);
        case PGP -> PgpDecryption.open(in, walk.secrets, walk.threads, where);
        default -> Decompressors.open(layer, in, walk.limits, walk.threads);
      };
    } catch (BackupRejected | IOException e) {
      reportOuterLayers(walk, chain, layer);
      throw e;
    }
  }

  private static void openContainer(
      Walk walk, InputStream in, Optional<Path> seekable, Layer layer, Chain chain)
      throws IOException {
    boolean continues = chain.outer();
    if (continues) {
      chain.pending().forEach(walk.visitor::layer);
      walk.visitor.layer(layer);
      walk.outerLayersReported = true;
    }
    String prefix = continues ? "" : chain.name() + "/";
    Frame frame =
        new Frame(
            prefix,
            chain.enclosingLayer() == null ? null : chain.name(),
            layer,
            continues,
            chain.depth() + 1);
    switch (layer) {
      case TAR -> TarContainer.read(walk, in, frame);
      case ZIP -> ZipContainer.read(walk, randomAccess(walk, in, seekable, chain), frame);
      case SEVEN_Z -> SevenZipContainer.read(walk, randomAccess(walk, in, seekable, chain), frame);
      default -> throw new IllegalStateException(layer + " is not a container");
    }
  }

  /** The file to read a zip or 7z from: the source itself when it is one, else a spooled copy. */
  private static Path randomAccess(Walk walk, InputStream in, Optional<Path> seekable, Chain chain)
      throws IOException {
    if (seekable.isPresent()) {
      return seekable.get();
    }
    return walk.temp.spool(in, walk.limits.maxSpoolBytes(), chain.name());
  }

  /** Hands a file to the visitor, then reads whatever it left, so every check runs. */
  private static void deliver(Walk walk, InputStream in, Chain chain) throws IOException {
    if (chain.bare()) {
      chain.pending().forEach(walk.visitor::layer);
      walk.outerLayersReported = true;
    }
    ArchiveEntry entry =
        new ArchiveEntry(
            chain.name(),
            chain.pending(),
            chain.declaredSize(),
            chain.enclosingArchive(),
            chain.enclosingLayer());
    ExpansionGuard content =
        new ExpansionGuard(
            new NonClosingInputStream(in),
            () -> Long.MAX_VALUE,
            walk.limits,
            chain.name(),
            walk.budget);
    walk.visitor.file(entry, content);
    drain(content, chain.name());
  }

  /** Peels an entry of a container: its own layers, or a nested archive. */
  static void peelEntry(
      Walk walk,
      InputStream content,
      String name,
      long declaredSize,
      boolean continues,
      Frame frame)
      throws IOException {
    Chain chain =
        new Chain(
            name,
            List.of(),
            continues,
            false,
            frame.enclosingArchive(),
            frame.layer(),
            frame.depth(),
            declaredSize);
    if (walk.visitor.opaque(name)) {
      deliver(walk, content, chain);
      return;
    }
    peel(walk, content, Optional.empty(), chain);
  }

  static void drain(InputStream in, String where) throws IOException {
    try {
      Drain.all(in); // discard: reading is what verifies
    } catch (IOException e) {
      throw asRejection(e, where);
    }
  }

  private static String describe(Layer layer, Chain chain) {
    return "the " + layer.label() + " layer of " + chain.name();
  }

  private static boolean startsWithAgeMagic(byte[] head, int length) {
    return length > 3 && head[0] == 'a' && head[1] == 'g' && head[2] == 'e';
  }

  /** Any I/O failure while decoding customer bytes means they are damaged: {@code corrupt}. */
  static BackupRejected asRejection(Throwable e, String where) {
    if (e instanceof BackupRejected rejected) {
      return rejected;
    }
    if (e.getCause() instanceof BackupRejected rejected) {
      return rejected;
    }
    String reason =
        e instanceof EOFException
            ? "it ends too early (the file is truncated)"
            : "it cannot be decoded: " + e.getMessage();
    return new BackupRejected(
        social.fedimon.engine.Problem.of(ProblemCode.CORRUPT, where + ": " + reason, where), e);
  }
}
