/**
 * The server's own infrastructure: its data folder, database, object store, and their embedded
 * defaults. Where instances run (Kubernetes, or manifests on embedded defaults) is {@code hosting},
 * not here.
 */
@NullMarked
package social.fedimon.server.infra;

import org.jspecify.annotations.NullMarked;
