package social.fedimon.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** FEDIMON_SMTP_URL sends through a real SMTP server (GreenMail), with authentication. */
class SmtpRelayTest {

  @RegisterExtension
  static GreenMailExtension smtp =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
          .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer", "p@ss word"));

  @Test
  void sendsThroughTheConfiguredRelayWithItsCredentials() throws Exception {
    int port = smtp.getSmtp().getPort();
    JavaMailSenderImpl sender =
        MailConfiguration.smtp(
            URI.create("smtp://mailer:p%40ss%20word@127.0.0.1:" + port + "?starttls=false"));
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom("noreply@fedimon.example");
    message.setTo("admin@example.social");
    message.setSubject("Your instance is running");
    message.setText("Welcome back.");

    sender.send(message);

    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject()).isEqualTo("Your instance is running");
    assertThat(GreenMailUtil.getBody(received[0])).contains("Welcome back.");
  }

  @Test
  void requiresStartTlsUnlessToldOtherwise() {
    JavaMailSenderImpl sender = MailConfiguration.smtp(URI.create("smtp://relay.example"));

    assertThat(sender.getPort()).isEqualTo(587);
    assertThat(sender.getJavaMailProperties()).containsEntry("mail.smtp.starttls.required", "true");
  }
}
