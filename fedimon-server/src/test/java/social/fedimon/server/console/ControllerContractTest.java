package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import social.fedimon.server.testing.Platform;

/**
 * Each controller's contract through MockMvc, in the node's own context (real PostgreSQL, object
 * store and security chain, no mock of a service): what a client gets for bad input, a missing or
 * wrong credential, another account's object, and the shape of what is right. The journeys that
 * make these calls in order are the browser and API tests; these are the edges, one controller at a
 * time, without HTTP.
 */
class ControllerContractTest {

  static final String PASSWORD = "correct horse battery";
  static Platform platform;
  static Platform.Node node;
  static MockMvc mvc;
  static String admin;
  static String instance;
  static String task;
  static MockHttpSession session;

  @BeforeAll
  static void start() throws Exception {
    platform = new Platform("contracts");
    node = platform.start();
    mvc =
        MockMvcBuilders.webAppContextSetup((WebApplicationContext) node.context())
            .apply(springSecurity())
            .build();
    admin = platform.account(node, "ivy@example.org");
    Platform.Answer filed =
        platform.call(
            node, "POST", "/api/v1/instances", admin, Map.of("localDomain", "ivy.example"));
    instance = filed.json().get("id").asText();
    task = filed.json().get("tasks").get(0).get("id").asText();
    session =
        (MockHttpSession)
            mvc.perform(
                    post("/login")
                        .param("email", "ivy@example.org")
                        .param("password", PASSWORD)
                        .with(csrf()))
                .andExpect(redirectedUrl("/instances"))
                .andReturn()
                .getRequest()
                .getSession(false);
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  static MockHttpServletRequestBuilder api(MockHttpServletRequestBuilder request) {
    return request.header("Authorization", "Bearer " + admin);
  }

  static MockHttpServletRequestBuilder json(MockHttpServletRequestBuilder request, String body) {
    return request.contentType(MediaType.APPLICATION_JSON).content(body);
  }

  @Nested
  class AccountControllerContract {
    @Test
    void aSignUpWithABadEmailIsAProblemNamingTheField() throws Exception {
      mvc.perform(
              json(
                  post("/api/v1/accounts"),
                  "{\"email\": \"nope\", \"password\": \"" + PASSWORD + "\"}"))
          .andExpect(status().isBadRequest())
          .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
          .andExpect(jsonPath("$.code").value("invalid-request"))
          .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("email")));
    }

    @Test
    void aSecondSignUpOfAnEmailIsAConflict() throws Exception {
      mvc.perform(
              json(
                  post("/api/v1/accounts"),
                  "{\"email\": \"ivy@example.org\", \"password\": \"" + PASSWORD + "\"}"))
          .andExpect(status().isConflict())
          .andExpect(jsonPath("$.code").value("conflict"));
    }

    @Test
    void aWrongPasswordMakesNoTokenAndSaysNotWhichWasWrong() throws Exception {
      mvc.perform(
              json(
                  post("/api/v1/tokens"),
                  "{\"email\": \"ivy@example.org\", \"password\": \"wrong password\"}"))
          .andExpect(status().isUnauthorized())
          .andExpect(jsonPath("$.detail").value("the email or the password is wrong"));
    }
  }

  @Nested
  class TwoFactorControllerContract {
    @Test
    void withoutATokenTheApiSaysHowToGetOne() throws Exception {
      mvc.perform(get("/api/v1/account/two-factor"))
          .andExpect(status().isUnauthorized())
          .andExpect(jsonPath("$.code").value("unauthorized"))
          .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("Bearer")));
    }

    @Test
    void aConfirmationWithNothingSetUpSaysWhatToDoFirst() throws Exception {
      mvc.perform(json(api(post("/api/v1/account/two-factor/confirm")), "{\"code\": \"123456\"}"))
          .andExpect(status().isBadRequest())
          .andExpect(
              jsonPath("$.detail")
                  .value(org.hamcrest.Matchers.containsString("POST /api/v1/account/two-factor")));
    }
  }

  @Nested
  class InstanceControllerContract {
    @Test
    void aDomainThatIsNoDomainIsRefused() throws Exception {
      mvc.perform(json(api(post("/api/v1/instances")), "{\"localDomain\": \"not a domain\"}"))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.code").value("invalid-request"));
    }

    @Test
    void aDomainOnThePlatformAlreadyIsAConflict() throws Exception {
      mvc.perform(json(api(post("/api/v1/instances")), "{\"localDomain\": \"ivy.example\"}"))
          .andExpect(status().isConflict());
    }

    @Test
    void anUnknownInstanceIsNotFound() throws Exception {
      mvc.perform(api(get("/api/v1/instances/" + UUID.randomUUID())))
          .andExpect(status().isNotFound())
          .andExpect(jsonPath("$.code").value("not-found"));
    }

    @Test
    void theReportBeforeAnyBackupIsNotFoundAndSaysWhy() throws Exception {
      mvc.perform(api(get("/api/v1/instances/" + instance + "/report")))
          .andExpect(status().isNotFound())
          .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("no backup")));
    }

    @Test
    void anAdminCannotApprove() throws Exception {
      mvc.perform(api(post("/api/v1/operator/instances/" + instance + "/approve")))
          .andExpect(status().isForbidden())
          .andExpect(jsonPath("$.code").value("forbidden"));
    }
  }

  @Nested
  class UploadControllerContract {
    @Test
    void anUploadOfNoSizeIsRefused() throws Exception {
      mvc.perform(
              json(
                  api(post("/api/v1/instances/" + instance + "/uploads")),
                  "{\"name\": \"backup.tar\", \"size\": -1}"))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.code").value("invalid-request"));
    }

    @Test
    void anUnknownUploadIsNotFound() throws Exception {
      mvc.perform(api(get("/api/v1/instances/" + instance + "/uploads/" + UUID.randomUUID())))
          .andExpect(status().isNotFound());
    }
  }

  @Nested
  class DnsControllerContract {
    @Test
    void theRecordsAreListedUncheckedBeforeACheck() throws Exception {
      mvc.perform(api(get("/api/v1/instances/" + instance + "/dns")))
          .andExpect(status().isOk())
          .andExpect(jsonPath("$.records[0].name").exists())
          .andExpect(jsonPath("$.records[0].verdict").value("unchecked"));
    }
  }

  @Nested
  class ExportControllerContract {
    @Test
    void anInstanceWithNoDatabaseHasNothingToExport() throws Exception {
      mvc.perform(json(api(post("/api/v1/instances/" + instance + "/exports")), "{}"))
          .andExpect(status().isConflict())
          .andExpect(
              jsonPath("$.detail")
                  .value(org.hamcrest.Matchers.containsString("nothing to export")));
    }

    @Test
    void aPgpKeyThatIsNoKeyIsRefused() throws Exception {
      mvc.perform(
              api(put("/api/v1/account/pgp-key"))
                  .contentType(MediaType.TEXT_PLAIN)
                  .content("not a key"))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.code").value("invalid-request"));
    }
  }

  @Nested
  class TaskControllerContract {
    @Test
    void theTaskHasTheContractsShape() throws Exception {
      mvc.perform(api(get("/api/v1/tasks/" + task)))
          .andExpect(status().isOk())
          .andExpect(jsonPath("$.kind").value("migrate-in"))
          .andExpect(jsonPath("$.instance").value(instance))
          .andExpect(
              jsonPath("$.state")
                  .value(org.hamcrest.Matchers.oneOf("queued", "waiting", "running")))
          .andExpect(jsonPath("$.steps[0]").value("receive"));
    }

    @Test
    void anUnknownTaskIsNotFound() throws Exception {
      mvc.perform(api(get("/api/v1/tasks/" + UUID.randomUUID()))).andExpect(status().isNotFound());
    }
  }

  @Nested
  class PlatformKeysControllerContract {
    @Test
    void theOpenPgpKeyDownloadsAsAnArmoredFile() throws Exception {
      mvc.perform(get("/instances/" + instance + "/keys/openpgp.asc").session(session))
          .andExpect(status().isOk())
          .andExpect(content().contentTypeCompatibleWith("application/pgp-keys"))
          .andExpect(
              header()
                  .string(
                      "Content-Disposition",
                      org.hamcrest.Matchers.containsString("fedimon-ivy.example.asc")))
          .andExpect(
              content()
                  .string(
                      org.hamcrest.Matchers.startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")));
    }
  }

  /** The controls of a running instance, asked of one that is not restored yet. */
  @Nested
  class HostingControllersContract {
    @Test
    void anUpgradeBeforeTheRestoreIsAConflictSayingWhy() throws Exception {
      mvc.perform(api(get("/api/v1/instances/" + instance + "/upgrade")))
          .andExpect(status().isConflict())
          .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("restored")));
      mvc.perform(
              json(
                  api(post("/api/v1/instances/" + instance + "/upgrade")),
                  "{\"release\": \"4.5\"}"))
          .andExpect(status().isConflict());
    }

    @Test
    void nothingCountedIsNullsAndNothingToFetchIsAConflict() throws Exception {
      mvc.perform(api(get("/api/v1/instances/" + instance + "/media-refresh")))
          .andExpect(status().isOk())
          .andExpect(jsonPath("$.missing").value(org.hamcrest.Matchers.nullValue()));
      mvc.perform(api(post("/api/v1/instances/" + instance + "/media-refresh")))
          .andExpect(status().isConflict())
          .andExpect(jsonPath("$.code").value("conflict"));
    }

    @Test
    void aPlanThatIsNoPlanIsRefusedAndTheClusterControlsNeedACluster() throws Exception {
      mvc.perform(
              json(api(post("/api/v1/instances/" + instance + "/plan")), "{\"plan\": \"huge\"}"))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("small")));
      mvc.perform(api(post("/api/v1/instances/" + instance + "/stop")))
          .andExpect(status().isConflict());
    }

    @Test
    void anotherAccountsInstanceIsNotFoundForEachControl() throws Exception {
      UUID other = UUID.randomUUID();
      for (String path : new String[] {"upgrade", "media-refresh", "deletion", "cluster"}) {
        mvc.perform(api(get("/api/v1/instances/" + other + "/" + path)))
            .andExpect(status().isNotFound());
      }
    }
  }

  @Nested
  class PagesContract {
    @Test
    void aFormWithoutItsCsrfTokenIsRefused() throws Exception {
      mvc.perform(post("/account/language").param("language", "fr").session(session))
          .andExpect(status().isForbidden());
    }

    @Test
    void aPageAskedForWithoutASessionLeadsToTheLogIn() throws Exception {
      mvc.perform(get("/instances"))
          .andExpect(status().isFound())
          .andExpect(redirectedUrl("http://localhost/login"));
    }

    @Test
    void theSignUpFormSaysWhatIsWrongNextToTheField() throws Exception {
      String page =
          mvc.perform(
                  post("/signup")
                      .param("email", "a@b.example")
                      .param("password", "short")
                      .with(csrf()))
              .andExpect(status().isOk())
              .andReturn()
              .getResponse()
              .getContentAsString();
      assertThat(page)
          .contains("aria-describedby=\"password-help password-error\" aria-invalid=\"true\"")
          .contains("<p class=\"error\" id=\"password-error\">The password must have between 10");
    }

    @Test
    void theRequestFormKeepsWhatWasTypedAndMarksTheField() throws Exception {
      String page =
          mvc.perform(
                  post("/instances/new")
                      .param("localDomain", "not a domain")
                      .session(session)
                      .with(csrf()))
              .andExpect(status().isOk())
              .andReturn()
              .getResponse()
              .getContentAsString();
      assertThat(page).contains("value=\"not a domain\"").contains("aria-invalid=\"true\"");
    }

    @Test
    void anotherAccountsInstancePageIsNotFound() throws Exception {
      mvc.perform(get("/instances/" + UUID.randomUUID()).session(session))
          .andExpect(status().isNotFound());
    }

    @Test
    void anAdminIsNotAnOperator() throws Exception {
      mvc.perform(get("/operator").session(session)).andExpect(status().isForbidden());
    }

    @Test
    void theCodePageIsOnlyForALogInHalfWay() throws Exception {
      mvc.perform(get("/login/code")).andExpect(status().isFound());
      mvc.perform(get("/login/code").session(session)).andExpect(status().isForbidden());
    }

    @Test
    void anUnknownResetLinkSaysSo() throws Exception {
      mvc.perform(get("/password-reset/new").param("token", "not-a-token"))
          .andExpect(status().isNotFound());
    }

    @Test
    void anUnsupportedLanguageChangesNothing() throws Exception {
      mvc.perform(post("/account/language").param("language", "xx").session(session).with(csrf()))
          .andExpect(redirectedUrl("/account"));
      String page =
          mvc.perform(get("/account").session(session))
              .andReturn()
              .getResponse()
              .getContentAsString();
      assertThat(page).contains("<option value=\"en\" selected=\"selected\">");
    }
  }
}
