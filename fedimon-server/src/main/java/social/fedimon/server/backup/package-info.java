/**
 * Backups fetched from where the admin keeps them: a download link, fetched under the SSRF rules
 * (every resolved address checked, redirects checked one by one, size and time capped, resumed with
 * Range requests when the connection drops).
 */
@NullMarked
package social.fedimon.server.backup;

import org.jspecify.annotations.NullMarked;
