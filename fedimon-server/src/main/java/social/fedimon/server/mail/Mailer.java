package social.fedimon.server.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import social.fedimon.server.infra.FedimonProperties;

/**
 * The mails FédiMon sends, each in HTML and plain text, in the account's language: the subject is
 * the message {@code mail.NAME.subject}, the bodies the templates {@code mail/NAME.html} and {@code
 * mail/text/NAME.txt}.
 */
@Component
public class Mailer {

  private final JavaMailSender sender;
  private final SpringTemplateEngine templates;
  private final MessageSource messages;
  private final FedimonProperties properties;

  Mailer(
      JavaMailSender sender,
      SpringTemplateEngine templates,
      MessageSource messages,
      FedimonProperties properties) {
    this.sender = sender;
    this.templates = templates;
    this.messages = messages;
    this.properties = properties;
  }

  /**
   * Sends mail {@code name} to {@code to}.
   *
   * @param model what the templates show; {@code subjectArgs} (an Object[]) fills the subject's
   *     placeholders
   */
  public void send(String to, Locale locale, String name, Map<String, Object> model) {
    Context context = new Context(locale, model);
    String html = templates.process("mail/" + name, context);
    String text = templates.process("mail/text/" + name, context);
    Object[] args = (Object[]) model.getOrDefault("subjectArgs", new Object[0]);
    // a template that serves several mails names the one it is by its model's "kind"
    String key = "mail." + model.getOrDefault("kind", name) + ".subject";
    String subject = messages.getMessage(key, args, locale);
    MimeMessage message = sender.createMimeMessage();
    try {
      MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
      helper.setFrom(properties.mail().from());
      helper.setTo(to);
      helper.setSubject(subject);
      helper.setText(text, html);
    } catch (MessagingException e) {
      throw new MailPreparationException("the mail " + name + " could not be made", e);
    }
    sender.send(message);
  }

  /** The languages mails and pages are written in; anything else falls back to English. */
  public static final java.util.List<String> LANGUAGES = java.util.List.of("en", "fr");

  /** The language of {@code locale} if the console speaks it, else English. */
  public static String language(Locale locale) {
    return LANGUAGES.contains(locale.getLanguage()) ? locale.getLanguage() : "en";
  }
}
