package social.fedimon.engine.archive;

import org.jspecify.annotations.Nullable;

/**
 * Where a container's entries go: their name prefix, the nested archive they came out of, and
 * whether this container continues the archive's outer chain of layers.
 *
 * @param prefix prepended to entry names (empty, or {@code media.tar/})
 * @param enclosingArchive the nested archive's name, null at the top level
 * @param layer the container's own layer
 * @param outer whether this container is part of the archive's reported layers
 * @param depth layers above this container
 */
record Frame(
    String prefix, @Nullable String enclosingArchive, Layer layer, boolean outer, int depth) {

  String childName(String name) {
    return prefix + name;
  }
}
