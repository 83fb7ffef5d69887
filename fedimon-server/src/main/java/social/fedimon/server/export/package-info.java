/**
 * Export out: an instance's tenant database and env as one checked archive, offered through a link
 * that works for its owner only and expires.
 */
@NullMarked
package social.fedimon.server.export;

import org.jspecify.annotations.NullMarked;
