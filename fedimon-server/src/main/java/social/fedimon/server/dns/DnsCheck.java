package social.fedimon.server.dns;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Asks the configured resolver (dnsjava) for each expected record, without a cache: each is
 * correct, missing, or wrong with what was found instead.
 */
@Component
public class DnsCheck {

  /** What one record looks like now. */
  public record Verdict(DnsRecords.Expected expected, String verdict, List<String> found) {
    public boolean correct() {
      return "correct".equals(verdict);
    }
  }

  private final Resolver resolver;

  DnsCheck(DnsProperties properties) throws UnknownHostException {
    this.resolver = resolver(properties.resolver());
  }

  static Resolver resolver(@org.jspecify.annotations.Nullable String configured)
      throws UnknownHostException {
    Resolver resolver;
    if (configured == null || configured.isBlank()) {
      resolver = new ExtendedResolver();
    } else {
      String host = configured.strip();
      int port = 53;
      int colon = host.lastIndexOf(':');
      if (colon > 0 && host.indexOf(':') == colon) {
        port = Integer.parseInt(host.substring(colon + 1));
        host = host.substring(0, colon);
      }
      SimpleResolver simple = new SimpleResolver(host);
      simple.setPort(port);
      resolver = simple;
    }
    resolver.setTimeout(Duration.ofSeconds(5));
    return resolver;
  }

  public List<Verdict> check(List<DnsRecords.Expected> records) {
    List<Verdict> verdicts = new ArrayList<>();
    for (DnsRecords.Expected record : records) {
      List<String> found = lookup(record.name(), Type.value(record.type()));
      String verdict;
      if (found.isEmpty()) {
        verdict = "missing";
      } else if (found.stream().anyMatch(value -> matches(record, value))) {
        verdict = "correct";
      } else {
        verdict = "wrong";
      }
      verdicts.add(new Verdict(record, verdict, found));
    }
    return verdicts;
  }

  private static boolean matches(DnsRecords.Expected record, String value) {
    return switch (record.type()) {
      case "CNAME" -> strip(value).equalsIgnoreCase(strip(record.value()));
      case "AAAA" -> normalIpv6(value).equals(normalIpv6(record.value()));
      default -> value.equals(record.value());
    };
  }

  private List<String> lookup(String name, int type) {
    try {
      Lookup lookup = new Lookup(Name.fromString(name, Name.root), type);
      lookup.setResolver(resolver);
      lookup.setCache(null);
      Record[] answers = lookup.run();
      List<String> found = new ArrayList<>();
      if (answers != null) {
        for (Record answer : answers) {
          if (answer instanceof ARecord a) {
            found.add(a.getAddress().getHostAddress());
          } else if (answer instanceof AAAARecord aaaa) {
            found.add(aaaa.getAddress().getHostAddress());
          } else if (answer instanceof CNAMERecord cname) {
            found.add(strip(cname.getTarget().toString()));
          } else if (answer instanceof TXTRecord txt) {
            found.add(String.join("", txt.getStrings()));
          }
        }
      }
      return found;
    } catch (TextParseException e) {
      return List.of();
    }
  }

  private static String strip(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  private static String normalIpv6(String address) {
    try {
      return java.net.InetAddress.getByName(address).getHostAddress();
    } catch (UnknownHostException e) {
      return address;
    }
  }
}
