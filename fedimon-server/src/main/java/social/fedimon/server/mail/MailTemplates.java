package social.fedimon.server.mail;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.ITemplateResolver;

/** Plain-text mail bodies: {@code templates/mail/text/*.txt} in Thymeleaf's TEXT mode. */
@Configuration(proxyBeanMethods = false)
class MailTemplates {

  @Bean
  ITemplateResolver textMailTemplates() {
    ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
    resolver.setPrefix("templates/");
    resolver.setSuffix(".txt");
    resolver.setTemplateMode(TemplateMode.TEXT);
    resolver.setCharacterEncoding("UTF-8");
    resolver.setResolvablePatterns(java.util.Set.of("mail/text/*"));
    resolver.setOrder(1);
    resolver.setCheckExistence(true);
    return resolver;
  }
}
