package social.fedimon.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;

/**
 * Every milestone mail, received by a real SMTP server (GreenMail) through FEDIMON_SMTP_URL: in
 * French for an admin who signed up in French, in English for one who did not; each in HTML and
 * plain text, with the link to the page that says more.
 */
class MilestoneMailTest {

  @RegisterExtension
  static GreenMailExtension smtp =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
          .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
          .withPerMethodLifecycle(false);

  static Platform platform;
  static Platform.Node node;
  static String source;
  static Path archive;

  @BeforeAll
  static void start() {
    source = MastodonDatabase.createSource();
    archive = Backups.instanceArchive("milestones", source);
    platform = new Platform("milestones");
    node =
        platform.start(
            "--fedimon.smtp.url=smtp://127.0.0.1:" + smtp.getSmtp().getPort() + "?starttls=false");
  }

  @AfterAll
  static void stop() {
    platform.close();
    FixtureDatabase.drop(source);
  }

  @Test
  void aMigrationAndAnExportMailEveryMilestoneInFrench() {
    String admin = signUp("claire@example.org", "fr-FR,fr;q=0.9,en;q=0.5");
    String operator = signUp(Platform.OPERATOR, "en");
    Platform.Migration migration = platform.migrate(node, admin, operator, archive);
    platform.awaitEnd(node, admin, migration.task(), Duration.ofSeconds(120));
    Platform.Answer export =
        platform.call(
            node,
            "POST",
            "/api/v1/instances/" + migration.instance() + "/exports",
            admin,
            Map.of());
    platform.awaitTask(
        node,
        admin,
        export.json().get("id").asText(),
        Duration.ofSeconds(120),
        t -> t.get("state").asText().matches("succeeded|failed"));

    Map<String, MimeMessage> mails =
        awaitSubjects(
            "claire@example.org",
            List.of(
                "Confirmez votre compte FédiMon",
                "Nous avons reçu votre demande pour example.social",
                "Nous avons reçu la sauvegarde de example.social",
                "Votre demande pour example.social est approuvée",
                "Les enregistrements DNS de example.social sont justes",
                "La restauration de example.social a commencé",
                "La restauration de example.social est terminée",
                "example.social est prête",
                "Votre export de example.social est prêt"));
    for (MimeMessage mail : mails.values()) {
      Parts parts = parts(mail);
      assertThat(parts.text()).as(subject(mail)).isNotBlank().doesNotContain("??");
      assertThat(parts.html()).as(subject(mail)).contains("<html").doesNotContain("??");
    }
    Parts ready = parts(mails.get("example.social est prête"));
    assertThat(ready.text())
        .contains("Votre instance example.social est restaurée. Ses objets Kubernetes sont écrits")
        .contains(node.base() + "/instances/" + migration.instance());
    assertThat(parts(mails.get("La restauration de example.social est terminée")).text())
        .containsPattern("Tables / lignes restaurées : \\d+ / \\d+");
    assertThat(parts(mails.get("Votre export de example.social est prêt")).text())
        .containsPattern("Sa taille : [0-9.]+ [kMG]?B");
  }

  @Test
  void aDeclineSaysItsReasonAndAFailureWhatToDoInEnglish() {
    String admin = signUp("dan@example.org", "en-GB,en;q=0.8");
    Platform.Answer declined =
        platform.call(
            node, "POST", "/api/v1/instances", admin, Map.of("localDomain", "declined.example"));
    Platform.Answer refused =
        platform.call(
            node,
            "POST",
            "/api/v1/operator/instances/" + declined.json().get("id").asText() + "/decline",
            platformOperator(),
            Map.of("reason", "we do not host instances of this size yet"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(200);

    Platform.Answer filed =
        platform.call(
            node, "POST", "/api/v1/instances", admin, Map.of("localDomain", "other.example"));
    String instance = filed.json().get("id").asText();
    platform.call(node, "PUT", "/api/v1/instances/" + instance + "/backup", admin, archive);
    platform.awaitTask(
        node,
        admin,
        filed.json().get("tasks").get(0).get("id").asText(),
        Duration.ofSeconds(60),
        t -> t.get("state").asText().equals("failed"));

    Map<String, MimeMessage> mails =
        awaitSubjects(
            "dan@example.org",
            List.of(
                "Confirm your FédiMon account",
                "We received your request for declined.example",
                "Your request for declined.example was declined",
                "We received your request for other.example",
                "The work on other.example stopped"));
    assertThat(parts(mails.get("Your request for declined.example was declined")).text())
        .contains("Our reason: we do not host instances of this size yet");
    assertThat(parts(mails.get("The work on other.example stopped")).html())
        .contains("LOCAL_DOMAIN is example.social")
        .contains("Send a new backup");
  }

  private static String operatorToken;

  private static synchronized String platformOperator() {
    if (operatorToken == null) {
      operatorToken = signUp(Platform.OPERATOR, "en");
    }
    return operatorToken;
  }

  /** Signs up with the browser's language, follows the link of the mail, returns a token. */
  private static synchronized String signUp(String email, String acceptLanguage) {
    if (email.equals(Platform.OPERATOR) && operatorToken != null) {
      return operatorToken;
    }
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(node.base().resolve("/api/v1/accounts"))
                  .header("Content-Type", "application/json")
                  .header("Accept-Language", acceptLanguage)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      MimeMessage mail = awaitMail(email, m -> subject(m).contains("FédiMon"));
      Matcher link =
          Pattern.compile("https?://\\S+/accounts/verify\\?token=[A-Za-z0-9_-]+")
              .matcher(parts(mail).text());
      assertThat(link.find()).isTrue();
      HttpResponse<String> verified =
          http.send(
              HttpRequest.newBuilder(URI.create(link.group())).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(verified.statusCode()).isEqualTo(200);
      String token =
          platform
              .call(
                  node,
                  "POST",
                  "/api/v1/tokens",
                  null,
                  Map.of("email", email, "password", "correct horse battery"))
              .json()
              .get("token")
              .asText();
      if (email.equals(Platform.OPERATOR)) {
        operatorToken = token;
      }
      return token;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static MimeMessage awaitMail(String to, java.util.function.Predicate<MimeMessage> which) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> to(to).stream().filter(which).reduce((a, b) -> b).orElse(null),
            java.util.Objects::nonNull);
  }

  private static Map<String, MimeMessage> awaitSubjects(String to, List<String> subjects) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(to(to).stream().map(MilestoneMailTest::subject).toList())
                    .containsAll(subjects));
    Map<String, MimeMessage> bySubject = new LinkedHashMap<>();
    for (MimeMessage mail : to(to)) {
      bySubject.put(subject(mail), mail);
    }
    return bySubject;
  }

  private static List<MimeMessage> to(String address) {
    List<MimeMessage> mails = new ArrayList<>();
    for (MimeMessage mail : smtp.getReceivedMessages()) {
      try {
        for (var recipient : mail.getRecipients(Message.RecipientType.TO)) {
          if (recipient.toString().equalsIgnoreCase(address)) {
            mails.add(mail);
          }
        }
      } catch (jakarta.mail.MessagingException e) {
        throw new IllegalStateException(e);
      }
    }
    return mails;
  }

  private static String subject(MimeMessage mail) {
    try {
      return mail.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  record Parts(String text, String html) {}

  /** The plain-text and HTML alternatives of a mail. */
  private static Parts parts(MimeMessage mail) {
    try {
      StringBuilder text = new StringBuilder();
      StringBuilder html = new StringBuilder();
      collect(mail.getContent(), mail.getContentType(), text, html);
      return new Parts(text.toString(), html.toString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void collect(Object content, String type, StringBuilder text, StringBuilder html)
      throws Exception {
    if (content instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart part = multipart.getBodyPart(i);
        collect(part.getContent(), part.getContentType(), text, html);
      }
    } else if (content instanceof String string) {
      if (type.toLowerCase(java.util.Locale.ROOT).startsWith("text/html")) {
        html.append(string);
      } else {
        text.append(string);
      }
    }
  }
}
