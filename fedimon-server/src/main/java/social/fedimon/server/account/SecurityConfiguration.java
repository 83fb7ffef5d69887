package social.fedimon.server.account;

import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import social.fedimon.server.api.ApiErrors;

/**
 * The API takes personal access tokens, no session and no cookie (so no CSRF to guard); sign-up,
 * token creation and the verification link are open; operators' routes need an operator. The
 * console's pages take a session made by the log-in form, and by its second page when the account
 * has two-factor on.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  @Bean
  PasswordEncoder passwordEncoder() {
    return Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
  }

  @Bean
  SecurityFilterChain api(HttpSecurity http, AccountStore accounts, Operators operators)
      throws Exception {
    http.securityMatcher("/api/**")
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .addFilterBefore(
            new BearerTokenFilter(accounts, operators), AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(
            authorize ->
                authorize
                    // the second dispatch of an event stream or a deferred answer: the request
                    // was authorized when it came in, and has no token of its own any more
                    .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                    .permitAll()
                    .requestMatchers(HttpMethod.POST, "/api/v1/accounts", "/api/v1/tokens")
                    .permitAll()
                    .requestMatchers("/api/v1/operator/**")
                    .hasRole("OPERATOR")
                    .anyRequest()
                    .authenticated())
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(
                        (request, response, ex) ->
                            ApiErrors.write(
                                response,
                                HttpStatus.UNAUTHORIZED,
                                "unauthorized",
                                "this needs Authorization: Bearer TOKEN (POST /api/v1/tokens)"))
                    .accessDeniedHandler(
                        (request, response, ex) ->
                            ApiErrors.write(
                                response,
                                HttpStatus.FORBIDDEN,
                                "forbidden",
                                "only operators may do this")));
    return http.build();
  }

  /**
   * The console: a session after log-in (a new one each time), CSRF tokens on every form, the
   * operator's pages for operators. A content security policy with no inline script or style.
   */
  @Bean
  SecurityFilterChain pages(HttpSecurity http, PasswordAuthentication passwords) throws Exception {
    AccessDeniedHandlerImpl forbidden = new AccessDeniedHandlerImpl();
    http.authenticationProvider(passwords)
        .authorizeHttpRequests(
            authorize ->
                authorize
                    .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                    .permitAll()
                    .requestMatchers(
                        "/",
                        "/signup",
                        "/login",
                        "/accounts/verify",
                        "/password-reset",
                        "/password-reset/new",
                        "/css/**",
                        "/img/**",
                        "/js/**",
                        "/webjars/**",
                        "/favicon.ico",
                        "/v3/api-docs",
                        "/v3/api-docs.yaml",
                        "/error",
                        "/actuator/health/**",
                        "/actuator/info",
                        "/actuator/prometheus")
                    .permitAll()
                    .requestMatchers("/login/code")
                    .hasAuthority(PasswordAuthentication.SECOND_FACTOR)
                    .requestMatchers("/operator/**")
                    .hasRole("OPERATOR")
                    // not merely authenticated: a log-in waiting for its code is not an admin
                    .anyRequest()
                    .hasRole("ADMIN"))
        .formLogin(
            form ->
                form.loginPage("/login")
                    .usernameParameter("email")
                    .successHandler(new LoginSuccess())
                    .failureHandler(new LoginFailures()))
        .exceptionHandling(
            e ->
                e.accessDeniedHandler(
                    (request, response, denied) -> {
                      if (SecondFactorLogIns.due(
                          SecurityContextHolder.getContext().getAuthentication())) {
                        response.sendRedirect(request.getContextPath() + "/login/code");
                      } else {
                        forbidden.handle(request, response, denied);
                      }
                    }))
        .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"))
        .sessionManagement(s -> s.sessionFixation(f -> f.newSession()))
        .headers(
            headers ->
                headers
                    .frameOptions(frame -> frame.deny())
                    .contentSecurityPolicy(
                        csp ->
                            csp.policyDirectives(
                                "default-src 'self'; script-src 'self'; style-src 'self';"
                                    + " img-src 'self' data:; connect-src 'self';"
                                    + " frame-ancestors 'none'; form-action 'self';"
                                    + " base-uri 'none'; object-src 'none'"))
                    .referrerPolicy(
                        r ->
                            r.policy(
                                org.springframework.security.web.header.writers
                                    .ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
    return http.build();
  }
}
