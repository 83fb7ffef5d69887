package social.fedimon.server.backup;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which addresses a download link may reach: public unicast only. Refused: loopback, unspecified,
 * private (10/8, 172.16/12, 192.168/16), link-local (169.254/16, where cloud metadata services
 * answer, and fe80::/10), CGNAT (100.64/10), ULA (fc00::/7), multicast, the documentation,
 * benchmarking and reserved ranges, and IPv6 forms that carry an IPv4 address (IPv4-mapped,
 * IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32), which are judged by the
 * IPv4 address they carry (Teredo's is refused outright). Ranges the operator allows (an internal
 * mirror; tests on loopback) pass.
 */
public final class AddressRules {

  private final List<Cidr> allowed;

  public AddressRules(List<Cidr> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** Why {@code address} may not be reached; null if it may. */
  public @Nullable String refusal(InetAddress address) {
    for (Cidr cidr : allowed) {
      if (cidr.contains(address)) {
        return null;
      }
    }
    return classify(address);
  }

  static @Nullable String classify(InetAddress address) {
    byte[] a = address.getAddress();
    if (address instanceof Inet4Address) {
      return classify4(a);
    }
    if (address instanceof Inet6Address) {
      return classify6(a);
    }
    return "not an IP address";
  }

  private static @Nullable String classify4(byte[] a) {
    int b0 = a[0] & 0xff;
    int b1 = a[1] & 0xff;
    int b2 = a[2] & 0xff;
    if (b0 == 0) {
      return "an unspecified address (0.0.0.0/8)";
    }
    if (b0 == 127) {
      return "a loopback address";
    }
    if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
      return "a private address";
    }
    if (b0 == 169 && b1 == 254) {
      return "a link-local address (where cloud metadata services answer)";
    }
    if (b0 == 100 && (b1 & 0xc0) == 64) {
      return "a carrier-grade NAT address (100.64.0.0/10)";
    }
    if (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) {
      return "a reserved address (192.0.0.0/24, 192.0.2.0/24)";
    }
    if (b0 == 198 && (b1 == 18 || b1 == 19)) {
      return "a benchmarking address (198.18.0.0/15)";
    }
    if ((b0 == 198 && b1 == 51 && b2 == 100) || (b0 == 203 && b1 == 0 && b2 == 113)) {
      return "a documentation address";
    }
    if (b0 >= 224) {
      return "a multicast or reserved address";
    }
    return null;
  }

  private static @Nullable String classify6(byte[] a) {
    boolean zeroTo10 = true;
    for (int i = 0; i < 10; i++) {
      zeroTo10 &= a[i] == 0;
    }
    if (zeroTo10 && a[10] == (byte) 0xff && a[11] == (byte) 0xff) {
      String inner = classify4(new byte[] {a[12], a[13], a[14], a[15]});
      return inner == null ? null : "an IPv4-mapped address carrying " + inner;
    }
    boolean zeroTo12 = zeroTo10 && a[10] == 0 && a[11] == 0;
    if (zeroTo12) {
      boolean zeroTo15 = a[12] == 0 && a[13] == 0 && a[14] == 0;
      if (zeroTo15 && (a[15] == 0 || a[15] == 1)) {
        return a[15] == 0 ? "the unspecified address (::)" : "the loopback address (::1)";
      }
      String inner = classify4(new byte[] {a[12], a[13], a[14], a[15]});
      return inner == null
          ? "an IPv4-compatible address"
          : "an IPv4-compatible address carrying " + inner;
    }
    int w0 = ((a[0] & 0xff) << 8) | (a[1] & 0xff);
    int w1 = ((a[2] & 0xff) << 8) | (a[3] & 0xff);
    if ((w0 & 0xfe00) == 0xfc00) {
      return "a unique local address (fc00::/7)";
    }
    if ((w0 & 0xffc0) == 0xfe80 || (w0 & 0xffc0) == 0xfec0) {
      return "a link-local or site-local address";
    }
    if ((w0 & 0xff00) == 0xff00) {
      return "a multicast address";
    }
    if (w0 == 0x0064 && w1 == 0xff9b) {
      String inner = classify4(new byte[] {a[12], a[13], a[14], a[15]});
      return inner == null ? null : "a NAT64 address carrying " + inner;
    }
    if (w0 == 0x2002) {
      String inner = classify4(new byte[] {a[2], a[3], a[4], a[5]});
      return inner == null ? null : "a 6to4 address carrying " + inner;
    }
    if (w0 == 0x2001 && w1 == 0x0000) {
      return "a Teredo address (2001::/32)";
    }
    if (w0 == 0x2001 && w1 == 0x0db8) {
      return "a documentation address (2001:db8::/32)";
    }
    if (w0 == 0x0100 && w1 == 0 && a[4] == 0 && a[5] == 0 && a[6] == 0 && a[7] == 0) {
      return "a discard-only address (100::/64)";
    }
    return null;
  }

  /** An address range, {@code 10.0.0.0/8} or {@code fd00::/8}. */
  public record Cidr(byte[] network, int bits) {

    public static Cidr parse(String text) {
      String trimmed = text.strip();
      int slash = trimmed.indexOf('/');
      String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
      if (!host.matches("[0-9a-fA-F:.]+")) {
        throw new IllegalArgumentException("not an address range: " + text);
      }
      try {
        byte[] network = InetAddress.getByName(host).getAddress();
        int bits = slash < 0 ? network.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
        if (bits < 0 || bits > network.length * 8) {
          throw new IllegalArgumentException("not an address range: " + text);
        }
        return new Cidr(network, bits);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("not an address range: " + text);
      }
    }

    public boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
