package social.fedimon.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses a backup link may reach, address by address. */
class AddressRulesTest {

  private final AddressRules rules = new AddressRules(List.of());

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.255.255.254",
        "0.0.0.0",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.255",
        "224.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "198.18.0.1",
        "203.0.113.5",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:0001::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:db8::1",
        "::127.0.0.1"
      })
  void forbiddenAddressesAreRefusedWithAReason(String address) throws Exception {
    assertThat(rules.refusal(InetAddress.getByName(address))).as(address).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.1.1.1",
        "8.8.8.8",
        "93.184.215.14",
        "172.15.255.255",
        "172.32.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "169.253.0.1",
        "2606:4700::1111",
        "2a01:4f8::1",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:0808:0808::1"
      })
  void publicAddressesPass(String address) throws Exception {
    assertThat(rules.refusal(InetAddress.getByName(address))).as(address).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.9.8.7", "fd00::5"})
  void rangesTheOperatorAllowsPass(String address) throws Exception {
    AddressRules allowing =
        new AddressRules(
            List.of(
                AddressRules.Cidr.parse("127.0.0.1/32"),
                AddressRules.Cidr.parse("10.9.0.0/16"),
                AddressRules.Cidr.parse("fd00::/8")));
    assertThat(allowing.refusal(InetAddress.getByName(address))).isNull();
    assertThat(allowing.refusal(InetAddress.getByName("127.0.0.2"))).isNotNull();
    assertThat(allowing.refusal(InetAddress.getByName("10.8.0.1"))).isNotNull();
  }
}
