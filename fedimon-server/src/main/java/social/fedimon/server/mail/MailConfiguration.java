package social.fedimon.server.mail;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Properties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import social.fedimon.server.infra.DataDirectory;
import social.fedimon.server.infra.FedimonProperties;

/** Mail goes to the configured SMTP relay, or to {@code var/outbox} when there is none. */
@Configuration(proxyBeanMethods = false)
class MailConfiguration {

  /** A relay that does not answer in this time is treated as down; the job retries later. */
  private static final String SMTP_TIMEOUT_MILLIS = "30000";

  @Bean
  JavaMailSender mailSender(
      FedimonProperties properties, DataDirectory dataDirectory, Clock clock) {
    URI url = properties.smtp().url();
    if (url == null) {
      return new OutboxMailSender(dataDirectory.folder("outbox"), clock);
    }
    return smtp(url);
  }

  static JavaMailSenderImpl smtp(URI url) {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    boolean implicitTls = "smtps".equals(url.getScheme());
    if (!implicitTls && !"smtp".equals(url.getScheme())) {
      throw new IllegalArgumentException(
          "FEDIMON_SMTP_URL starts with smtp:// (STARTTLS) or smtps:// (TLS), not "
              + url.getScheme());
    }
    sender.setProtocol(implicitTls ? "smtps" : "smtp");
    sender.setHost(url.getHost());
    sender.setPort(url.getPort() > 0 ? url.getPort() : implicitTls ? 465 : 587);
    String userInfo = url.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      sender.setUsername(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        sender.setPassword(decode(userInfo.substring(colon + 1)));
      }
    }
    Properties javaMail = new Properties();
    String prefix = "mail." + sender.getProtocol() + ".";
    javaMail.setProperty(prefix + "auth", Boolean.toString(userInfo != null));
    javaMail.setProperty(prefix + "connectiontimeout", SMTP_TIMEOUT_MILLIS);
    javaMail.setProperty(prefix + "timeout", SMTP_TIMEOUT_MILLIS);
    javaMail.setProperty(prefix + "writetimeout", SMTP_TIMEOUT_MILLIS);
    boolean plain = "false".equals(queryParameter(url, "starttls"));
    if (!implicitTls && !plain) {
      javaMail.setProperty("mail.smtp.starttls.enable", "true");
      javaMail.setProperty("mail.smtp.starttls.required", "true");
    }
    sender.setJavaMailProperties(javaMail);
    return sender;
  }

  private static String queryParameter(URI url, String name) {
    String query = url.getQuery();
    if (query == null) {
      return "";
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return "";
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
