package social.fedimon.server.hosting;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How instances are run, set by the operator ({@code FEDIMON_HOSTING_*}).
 *
 * @param images the images of each fork's release line, keyed by the fork's name and the line's
 *     digits ({@code mastodon45}, {@code glitchsoc44}: {@code
 *     FEDIMON_HOSTING_IMAGES_MASTODON45_WEB}); an instance whose line has none is refused
 * @param namespacePrefix each instance's namespace is this and its domain, dots made dashes
 * @param ingressClass the Ingress class of the cluster's ingress controller
 * @param ingressNamespace the namespace the ingress controller runs in: the only one besides the
 *     instance's own its pods accept connections from
 * @param clusterIssuer the cert-manager ClusterIssuer that makes the instances' certificates
 * @param redisImage the image of each instance's own Redis
 * @param sharedRedis {@code host:port} of a Redis all instances share, each with a database number
 *     of its own, instead of a Redis in each instance's namespace; unset: each has its own. Redis
 *     does not keep one database from another's clients: a shared Redis trades that isolation for
 *     the memory of one Redis per instance
 * @param sharedRedisPassword the shared Redis' password, if it asks for one
 * @param sharedRedisDatabases how many databases the shared Redis has (its {@code databases}
 *     setting): that many instances fit on it
 * @param elasticsearch {@code host:port} of the platform's Elasticsearch (or OpenSearch), for
 *     instances that had search; unset: search stays off
 * @param kubernetes run instances on a cluster: the one this process's service account is in, or
 *     the kubeconfig's current context ({@code FEDIMON_HOSTING_KUBERNETES=true}); off: manifests
 *     are written for an operator instead
 * @param kubernetesUrl the API server's URL, which turns the cluster on too (with the kubeconfig's
 *     or service account's credentials when there are)
 * @param healthUrl how this server reaches an instance through the ingress, {@code {host}} its name
 * @param jobTimeout how long a migration Job may take
 * @param healthTimeout how long the new instance has to answer on {@code /health} with its domain
 * @param pollInterval how often the cluster is asked while waiting
 * @param deleteGrace how long after its owner asks an instance is deleted (they may take it back
 *     until then, and make a final export)
 */
@ConfigurationProperties("fedimon.hosting")
public record HostingProperties(
    @DefaultValue Map<String, Images> images,
    @DefaultValue("fedimon-") String namespacePrefix,
    @DefaultValue("nginx") String ingressClass,
    @DefaultValue("ingress-nginx") String ingressNamespace,
    @DefaultValue("letsencrypt") String clusterIssuer,
    @DefaultValue("redis:7.4-alpine") String redisImage,
    @Nullable String sharedRedis,
    @Nullable String sharedRedisPassword,
    @DefaultValue("16") int sharedRedisDatabases,
    @Nullable String elasticsearch,
    @DefaultValue("false") boolean kubernetes,
    @Nullable String kubernetesUrl,
    @DefaultValue("https://{host}") String healthUrl,
    @DefaultValue("30m") java.time.Duration jobTimeout,
    @DefaultValue("15m") java.time.Duration healthTimeout,
    @DefaultValue("2s") java.time.Duration pollInterval,
    @DefaultValue("7d") java.time.Duration deleteGrace) {

  /** Whether instances run on a cluster. */
  public boolean cluster() {
    return kubernetes || kubernetesUrl != null;
  }

  @Override
  public String toString() {
    // the shared Redis' password stays out of logs
    return "HostingProperties[cluster="
        + cluster()
        + ", images="
        + images.keySet()
        + ", sharedRedis="
        + sharedRedis
        + "]";
  }

  /**
   * The images of one release line.
   *
   * @param web Rails (Puma), Sidekiq and the migration Jobs
   * @param streaming the streaming server's own image (from 4.3); unset: the web image runs it
   */
  public record Images(String web, @Nullable String streaming) {}
}
