package social.fedimon.server.infra;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The console's address as people reach it, for links in mails sent outside a request (a task's):
 * FEDIMON_PUBLIC_URL, else the address and port this server listens on.
 */
@Component
public class PublicUrl {

  private final FedimonProperties properties;
  private final Environment environment;

  PublicUrl(FedimonProperties properties, Environment environment) {
    this.properties = properties;
    this.environment = environment;
  }

  /** Without a trailing slash. */
  public String base() {
    if (properties.publicUrl() != null) {
      return properties.publicUrl().toString().replaceAll("/$", "");
    }
    String address = environment.getProperty("server.address", "127.0.0.1");
    String host = address.isBlank() || address.equals("0.0.0.0") ? "127.0.0.1" : address;
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + environment.getProperty("local.server.port", "8080");
  }
}
