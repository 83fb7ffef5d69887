/**
 * Archive layers and entries: peels encryption, compression and containers by content, in one
 * streaming pass, under hard limits. Knows nothing of SQL or Mastodon.
 */
@NullMarked
package social.fedimon.engine.archive;

import org.jspecify.annotations.NullMarked;
