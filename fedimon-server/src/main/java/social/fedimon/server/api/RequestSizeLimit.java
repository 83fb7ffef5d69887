package social.fedimon.server.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request body at {@value #MAX_BODY_BYTES} bytes (JSON, forms, an armored key), except
 * the routes that stream a backup into the object store, which have limits of their own. A body
 * announced bigger is refused before it is read (413, problem+json); one sent without a length is
 * cut off where it passes the bound, so nothing reads more than that into memory.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestSizeLimit extends OncePerRequestFilter {

  /** A form, a JSON request or an OpenPGP key fits: the largest is a key, at most 256 KiB. */
  static final long MAX_BODY_BYTES = 1 << 20;

  private static final Pattern STREAMED =
      Pattern.compile("/(api/v1/)?instances/[^/]+/(backup|uploads/[^/]+/chunks/\\d+)");

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if ("PUT".equals(request.getMethod()) && STREAMED.matcher(request.getRequestURI()).matches()) {
      chain.doFilter(request, response);
      return;
    }
    if (request.getContentLengthLong() > MAX_BODY_BYTES) {
      refuse(response);
      return;
    }
    chain.doFilter(new Bounded(request), response);
  }

  private static void refuse(HttpServletResponse response) throws IOException {
    ApiErrors.write(
        response,
        HttpStatus.PAYLOAD_TOO_LARGE,
        "invalid-request",
        "the request's body is over " + (MAX_BODY_BYTES >> 20) + " MiB");
  }

  /** The request, whose body ends in an error past the bound. */
  private static final class Bounded extends HttpServletRequestWrapper {
    private ServletInputStream in;

    Bounded(HttpServletRequest request) {
      super(request);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (in == null) {
        ServletInputStream body = super.getInputStream();
        in =
            new ServletInputStream() {
              private long read;

              @Override
              public int read() throws IOException {
                int b = body.read();
                if (b >= 0) {
                  count(1);
                }
                return b;
              }

              @Override
              public int read(byte[] buffer, int off, int len) throws IOException {
                int n = body.read(buffer, off, len);
                if (n > 0) {
                  count(n);
                }
                return n;
              }

              private void count(int n) throws IOException {
                read += n;
                if (read > MAX_BODY_BYTES) {
                  throw new BodyTooLarge();
                }
              }

              @Override
              public boolean isFinished() {
                return body.isFinished();
              }

              @Override
              public boolean isReady() {
                return body.isReady();
              }

              @Override
              public void setReadListener(ReadListener listener) {
                body.setReadListener(listener);
              }
            };
      }
      return in;
    }
  }

  /** A body without a length that went past the bound. */
  static final class BodyTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("the request's body is over " + (MAX_BODY_BYTES >> 20) + " MiB");
    }
  }
}
