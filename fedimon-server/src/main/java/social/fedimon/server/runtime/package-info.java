/**
 * What the server runs on: its data folder, database, object store, and their embedded defaults.
 */
@NullMarked
package social.fedimon.server.runtime;

import org.jspecify.annotations.NullMarked;
