package social.fedimon.server.secret;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import social.fedimon.server.infra.DataDirectory;
import social.fedimon.server.infra.FedimonProperties;

@Configuration(proxyBeanMethods = false)
class SecretConfiguration {

  @Bean
  SecretBox secretBox(FedimonProperties properties, DataDirectory dataDirectory) {
    return new SecretBox(
        MasterKey.resolve(
            properties.masterKey(),
            properties.database().embedded(),
            dataDirectory.root().resolve("master.key")));
  }
}
