package social.fedimon.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/** The FédiMon server application. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FedimonServer {

  /** Starts the server and returns once it serves requests; it runs until the context closes. */
  public static ConfigurableApplicationContext start(String... args) {
    SpringApplication application = new SpringApplication(FedimonServer.class);
    application.setRegisterShutdownHook(true);
    return application.run(args);
  }

  public static void main(String[] args) {
    start(args);
  }
}
