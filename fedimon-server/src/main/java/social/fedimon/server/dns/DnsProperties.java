package social.fedimon.server.dns;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where instances' names must point, set by the operator.
 *
 * @param ipv4 the platform's IPv4 addresses (A records); {@code FEDIMON_DNS_IPV4}, comma-separated
 * @param ipv6 its IPv6 addresses (AAAA records); {@code FEDIMON_DNS_IPV6}
 * @param ingressHost a host name to CNAME to instead, for names that are not a zone's apex; {@code
 *     FEDIMON_DNS_INGRESS_HOST}
 * @param resolver the resolver checks ask, {@code host} or {@code host:port}; unset: the machine's;
 *     {@code FEDIMON_DNS_RESOLVER}
 */
@ConfigurationProperties("fedimon.dns")
public record DnsProperties(
    @DefaultValue List<String> ipv4,
    @DefaultValue List<String> ipv6,
    @Nullable String ingressHost,
    @Nullable String resolver) {

  /** Whether the operator said where instances point. */
  public boolean configured() {
    return !ipv4.isEmpty() || !ipv6.isEmpty() || ingressHost != null;
  }
}
