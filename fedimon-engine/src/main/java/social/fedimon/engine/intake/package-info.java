/** The flows that tie archive, dump, Mastodon and media together, and the report they produce. */
@NullMarked
package social.fedimon.engine.intake;

import org.jspecify.annotations.NullMarked;
