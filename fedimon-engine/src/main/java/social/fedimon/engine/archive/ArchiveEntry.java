package social.fedimon.engine.archive;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A regular file found in an archive, as its content is delivered to an {@link EntryVisitor}.
 *
 * @param name normalized relative path; inside a nested archive, prefixed with that archive's name
 *     ({@code media.tar/cache/x.png}) unless the nested archive continues the outer one
 * @param layers layers peeled from this entry's own bytes, outermost first ({@code [XZ]} for a
 *     {@code database.sql.xz}); for a source that is no container at all, every layer of the source
 * @param declaredSize the size the container's header declares, -1 when unknown; never trusted
 * @param enclosingArchive the nested archive entry this one came out of, null at the top level
 * @param enclosingLayer the container layer this entry came out of, null for a bare source
 */
public record ArchiveEntry(
    String name,
    List<Layer> layers,
    long declaredSize,
    @Nullable String enclosingArchive,
    @Nullable Layer enclosingLayer) {

  public ArchiveEntry {
    layers = List.copyOf(layers);
  }

  /** The last path segment: {@code .env.production} for {@code live/.env.production}. */
  public String fileName() {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }

  /** The folder holding this entry, empty at the root. */
  public String folder() {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? "" : name.substring(0, slash);
  }

  /** The innermost compression layer of this entry's own bytes, if any. */
  public Optional<Layer> compression() {
    for (int i = layers.size() - 1; i >= 0; i--) {
      if (layers.get(i).kind() == Layer.Kind.COMPRESSION) {
        return Optional.of(layers.get(i));
      }
    }
    return Optional.empty();
  }
}
