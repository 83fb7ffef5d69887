package social.fedimon.engine.dump;

import org.jspecify.annotations.Nullable;

/**
 * What a dump says of itself.
 *
 * @param format its pg_dump format
 * @param dumpedBy pg_dump's version, null when the dump does not say
 * @param dumpedFrom the source server's version, null when the dump does not say
 * @param archiveVersion {@code 1.14} for archives, null for plain SQL
 * @param dataCompression compression of an archive's data blocks, null for plain SQL
 */
public record DumpDescription(
    DumpFormat format,
    @Nullable String dumpedBy,
    @Nullable String dumpedFrom,
    @Nullable String archiveVersion,
    @Nullable String dataCompression) {}
