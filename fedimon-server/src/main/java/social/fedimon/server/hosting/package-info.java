/**
 * Where restored instances run: Kubernetes objects for each instance (namespace, env Secret, Redis,
 * web, streaming and Sidekiq, Services, Ingress, NetworkPolicy, migration Jobs), written as
 * manifests on embedded defaults. The server's own infrastructure is {@code infra}, not here.
 */
@NullMarked
package social.fedimon.server.hosting;

import org.jspecify.annotations.NullMarked;
