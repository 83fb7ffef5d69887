/** Media: Mastodon's attachment trees and the object stores they move into (S3 or a folder). */
@NullMarked
package social.fedimon.engine.media;

import org.jspecify.annotations.NullMarked;
