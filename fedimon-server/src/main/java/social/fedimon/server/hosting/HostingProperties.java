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
 * @param elasticsearch {@code host:port} of the platform's Elasticsearch (or OpenSearch), for
 *     instances that had search; unset: search stays off
 */
@ConfigurationProperties("fedimon.hosting")
public record HostingProperties(
    @DefaultValue Map<String, Images> images,
    @DefaultValue("fedimon-") String namespacePrefix,
    @DefaultValue("nginx") String ingressClass,
    @DefaultValue("ingress-nginx") String ingressNamespace,
    @DefaultValue("letsencrypt") String clusterIssuer,
    @DefaultValue("redis:7.4-alpine") String redisImage,
    @Nullable String elasticsearch) {

  /**
   * The images of one release line.
   *
   * @param web Rails (Puma), Sidekiq and the migration Jobs
   * @param streaming the streaming server's own image (from 4.3); unset: the web image runs it
   */
  public record Images(String web, @Nullable String streaming) {}
}
