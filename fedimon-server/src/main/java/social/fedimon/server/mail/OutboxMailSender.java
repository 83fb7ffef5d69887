package social.fedimon.server.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * The embedded default for mail: every message is written as an RFC 822 {@code .eml} file to the
 * outbox folder instead of being relayed, so a fresh install can be used without an SMTP account.
 */
public final class OutboxMailSender extends JavaMailSenderImpl {

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path outbox;
  private final Clock clock;

  public OutboxMailSender(Path outbox, Clock clock) {
    this.outbox = outbox;
    this.clock = clock;
  }

  /** The folder messages are written to. */
  public Path outbox() {
    return outbox;
  }

  @Override
  protected void doSend(MimeMessage[] mimeMessages, Object[] originalMessages) {
    Map<Object, Exception> failures = new LinkedHashMap<>();
    for (int i = 0; i < mimeMessages.length; i++) {
      MimeMessage message = mimeMessages[i];
      try {
        write(message);
      } catch (IOException | MessagingException e) {
        failures.put(originalMessages != null ? originalMessages[i] : message, e);
      }
    }
    if (!failures.isEmpty()) {
      throw new MailSendException(failures);
    }
  }

  private void write(MimeMessage message) throws IOException, MessagingException {
    if (message.getSentDate() == null) {
      message.setSentDate(java.util.Date.from(clock.instant()));
    }
    message.saveChanges();
    Files.createDirectories(outbox);
    String name =
        FILE_TIME.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    Path temp = outbox.resolve("." + name + ".tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      message.writeTo(out);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw new MailPreparationException("could not write to the outbox " + outbox, e);
    }
    Files.move(temp, outbox.resolve(name + ".eml"), StandardCopyOption.ATOMIC_MOVE);
  }
}
