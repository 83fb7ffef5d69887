package social.fedimon.server.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import social.fedimon.engine.FedimonVersion;

/** The API's OpenAPI description: its title, and the personal access token it takes. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  @Bean
  OpenAPI fedimonApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("FédiMon API")
                .version(FedimonVersion.current())
                .description(
                    "Instances, backups, DNS checks, tasks and exports. Authenticate with a personal"
                        + " access token (Authorization: Bearer TOKEN) made on /account or with"
                        + " POST /api/v1/tokens. Errors are application/problem+json with a"
                        + " problem code in \"code\"; another account's objects are 404."))
        .components(
            new Components()
                .addSecuritySchemes(
                    "token",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("a personal access token")))
        .addSecurityItem(new SecurityRequirement().addList("token"));
  }
}
