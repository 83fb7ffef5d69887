package social.fedimon.engine.intake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.dump.RowReader;
import social.fedimon.engine.mastodon.MediaReferences;

/**
 * What intake hands the dump readers so that they read, in the rows of Mastodon's media tables, the
 * local files the instance refers to: the dump layer knows only rows and columns. A cluster dump's
 * databases each get their own references; the chosen one's are reported.
 */
final class MediaRowReader implements RowReader {

  private MediaReferences references = new MediaReferences();
  private final Map<String, MediaRowReader> databases = new LinkedHashMap<>();

  @Override
  public Optional<Rows> forTable(String table, List<String> columns) {
    MediaReferences into = references;
    return MediaReferences.layout(table, columns)
        .map(
            layout ->
                new Rows() {
                  @Override
                  public int[] selected() {
                    return layout.selected();
                  }

                  @Override
                  public void row(@Nullable String[] values) {
                    into.row(layout, values);
                  }
                });
  }

  @Override
  public RowReader forDatabase(String database) {
    return databases.computeIfAbsent(database, d -> new MediaRowReader());
  }

  /** The files the rows named; of a cluster dump, those of {@code database}'s rows. */
  MediaReferences references(Optional<String> database) {
    return database.map(databases::get).map(reader -> reader.references).orElse(references);
  }

  /** What a restore read replaces what was read before (a first pass reads no media rows). */
  void replaceWith(MediaRowReader restored) {
    references = restored.references;
    databases.clear();
  }
}
