package social.fedimon.server.dns;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The records an instance's admin creates: the names point at the platform (A/AAAA, or a CNAME to
 * the ingress host), and a TXT record proves control of the domain.
 */
@Component
public class DnsRecords {

  /** The name under the domain that carries the proof of control. */
  public static final String TXT_LABEL = "_fedimon";

  /** One record to create. {@code value} is what the record must hold. */
  public record Expected(String name, String type, String value, String purpose) {}

  private final DnsProperties properties;

  DnsRecords(DnsProperties properties) {
    this.properties = properties;
  }

  public DnsProperties properties() {
    return properties;
  }

  /**
   * The records for an instance.
   *
   * @param localDomain punycode
   * @param webDomain punycode, null when the same as the local domain
   * @param token the instance's proof-of-control value
   */
  public List<Expected> expected(String localDomain, @Nullable String webDomain, String token) {
    List<Expected> records = new ArrayList<>();
    String served = webDomain == null ? localDomain : webDomain;
    pointing(records, served, "web");
    if (webDomain != null) {
      // the local domain's host answers /.well-known/webfinger with a redirect to the web domain
      pointing(records, localDomain, "redirect");
    }
    records.add(
        new Expected(
            TXT_LABEL + "." + localDomain, "TXT", "fedimon-verification=" + token, "proof"));
    return records;
  }

  private void pointing(List<Expected> records, String name, String purpose) {
    boolean apex = name.chars().filter(c -> c == '.').count() == 1;
    if (properties.ingressHost() != null && !apex) {
      records.add(new Expected(name, "CNAME", properties.ingressHost(), purpose));
      return;
    }
    properties.ipv4().forEach(ip -> records.add(new Expected(name, "A", ip, purpose)));
    properties.ipv6().forEach(ip -> records.add(new Expected(name, "AAAA", ip, purpose)));
  }
}
