package social.fedimon.engine.archive;

/** A layer of an archive, named as the report names it. */
public enum Layer {
  AGE("age", Kind.ENCRYPTION),
  PGP("pgp", Kind.ENCRYPTION),
  GZIP("gzip", Kind.COMPRESSION),
  BZIP2("bzip2", Kind.COMPRESSION),
  XZ("xz", Kind.COMPRESSION),
  ZSTD("zstd", Kind.COMPRESSION),
  LZ4("lz4", Kind.COMPRESSION),
  TAR("tar", Kind.CONTAINER),
  ZIP("zip", Kind.CONTAINER),
  SEVEN_Z("7z", Kind.CONTAINER);

  /** What a layer does to the bytes inside it. */
  public enum Kind {
    ENCRYPTION,
    COMPRESSION,
    CONTAINER
  }

  private final String label;
  private final Kind kind;

  Layer(String label, Kind kind) {
    this.label = label;
    this.kind = kind;
  }

  /** The name in the report's {@code layers} list: {@code age}, {@code 7z}... */
  public String label() {
    return label;
  }

  public Kind kind() {
    return kind;
  }

  /** Containers that need random access (a spooled file when the source is a stream). */
  public boolean needsRandomAccess() {
    return this == ZIP || this == SEVEN_Z;
  }
}
