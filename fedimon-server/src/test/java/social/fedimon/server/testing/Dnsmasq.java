package social.fedimon.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import social.fedimon.engine.testing.Tools;

/**
 * dnsmasq serving given records on a loopback port, authoritative for the test's domains (a name it
 * does not have is NXDOMAIN) and asking nobody else.
 */
public final class Dnsmasq implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private Dnsmasq(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Where checks should ask: {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** A free UDP port on loopback for a server to come. */
  public static int freePort() {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts on {@code port} with {@code records}, each dnsmasq's own option: {@code
   * host-record=name,ip}, {@code txt-record=name,text}, {@code cname=alias,target}.
   *
   * @param domains the domains it answers for alone
   */
  public static Dnsmasq start(int port, List<String> domains, List<String> records) {
    Tools.require("dnsmasq");
    List<String> command = new ArrayList<>();
    command.add(Files.exists(Path.of("/usr/sbin/dnsmasq")) ? "/usr/sbin/dnsmasq" : "dnsmasq");
    command.addAll(
        List.of(
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--no-poll",
            "--bind-interfaces",
            "--listen-address=127.0.0.1",
            "--port=" + port,
            "--user=" + System.getProperty("user.name"),
            "--pid-file=",
            "--log-facility=-"));
    domains.forEach(d -> command.add("--local=/" + d + "/"));
    records.forEach(r -> command.add("--" + r));
    try {
      Path log = Files.createTempFile("dnsmasq", ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Dnsmasq server = new Dnsmasq(process, port, log);
      server.awaitListening();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asks for the SOA of "." until dnsmasq answers anything (it then listens). */
  private void awaitListening() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "dnsmasq stopped at start: exit " + process.exitValue() + ": " + output());
      }
      try {
        org.xbill.DNS.SimpleResolver resolver = new org.xbill.DNS.SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(java.time.Duration.ofMillis(200));
        resolver.send(
            org.xbill.DNS.Message.newQuery(
                org.xbill.DNS.Record.newRecord(
                    org.xbill.DNS.Name.root, org.xbill.DNS.Type.SOA, org.xbill.DNS.DClass.IN)));
        return;
      } catch (IOException notYet) {
        // no answer yet
      }
    }
    throw new IllegalStateException("dnsmasq did not answer on " + port + " within 10 s");
  }

  private String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output)";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
