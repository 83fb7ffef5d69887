package social.fedimon.server.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;
import social.fedimon.server.account.AccountStore;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.mail.Mailer;

/**
 * The console's language: {@code ?lang=fr} or {@code ?lang=en} chooses it (kept in a cookie, and on
 * the account when signed in); until then the browser's Accept-Language.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration implements WebMvcConfigurer {

  static final String LANGUAGE_COOKIE = "fedimon-lang";

  private final AccountStore accounts;

  ConsoleConfiguration(AccountStore accounts) {
    this.accounts = accounts;
  }

  @Bean
  LocaleResolver localeResolver() {
    CookieLocaleResolver resolver = new CookieLocaleResolver(LANGUAGE_COOKIE);
    resolver.setCookieMaxAge(Duration.ofDays(365));
    resolver.setCookieSameSite("Lax");
    resolver.setDefaultLocaleFunction(ConsoleConfiguration::browserLanguage);
    return resolver;
  }

  /** The first language of the browser's Accept-Language the console speaks, else English. */
  static Locale browserLanguage(HttpServletRequest request) {
    String header = request.getHeader("Accept-Language");
    if (header != null) {
      try {
        for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) {
          String language = range.getRange().split("-")[0];
          if (Mailer.LANGUAGES.contains(language)) {
            return Locale.forLanguageTag(language);
          }
        }
      } catch (IllegalArgumentException e) {
        // a malformed header: English
      }
    }
    return Locale.ENGLISH;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    LocaleChangeInterceptor change = new LocaleChangeInterceptor();
    change.setParamName("lang");
    change.setIgnoreInvalidLocale(true);
    registry.addInterceptor(change).excludePathPatterns("/api/**");
    // a signed-in admin's choice is the language of their mails too
    registry
        .addInterceptor(
            new HandlerInterceptor() {
              @Override
              public boolean preHandle(
                  HttpServletRequest request, HttpServletResponse response, Object handler) {
                String lang = request.getParameter("lang");
                if (lang != null
                    && Mailer.LANGUAGES.contains(lang)
                    && request.getUserPrincipal() instanceof Authentication auth
                    && auth.getPrincipal() instanceof CurrentAccount account) {
                  accounts.language(account.id(), lang);
                }
                return true;
              }
            })
        .excludePathPatterns("/api/**");
  }
}
