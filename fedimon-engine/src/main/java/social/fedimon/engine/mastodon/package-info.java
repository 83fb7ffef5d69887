/** What FédiMon knows about Mastodon: its env file, releases and forks, its media layout. */
@NullMarked
package social.fedimon.engine.mastodon;

import org.jspecify.annotations.NullMarked;
