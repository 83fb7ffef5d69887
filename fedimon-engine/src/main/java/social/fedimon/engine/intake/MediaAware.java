package social.fedimon.engine.intake;

import social.fedimon.engine.archive.EntryVisitor;
import social.fedimon.engine.mastodon.MediaLayout;

/**
 * A visitor of an instance's archive: its media files (by their place in Mastodon's layout) are the
 * instance's data as they are, never layers to open.
 */
interface MediaAware extends EntryVisitor {

  @Override
  default boolean opaque(String name) {
    return MediaLayout.locate(name).isPresent();
  }
}
