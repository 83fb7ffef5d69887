package social.fedimon.server.api;

import org.springframework.http.HttpStatus;

/**
 * An API error with its problem code ({@code not-found}, {@code invalid-request}, {@code conflict},
 * an engine problem code...) and a detail in plain words; written as {@code
 * application/problem+json}.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final HttpStatus status;
  private final String code;

  public ApiException(HttpStatus status, String code, String detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }

  /** Absent, or another account's: the two look the same. */
  public static ApiException notFound(String what) {
    return new ApiException(HttpStatus.NOT_FOUND, "not-found", what + " does not exist");
  }

  public static ApiException invalid(String detail) {
    return new ApiException(HttpStatus.BAD_REQUEST, "invalid-request", detail);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(HttpStatus.CONFLICT, "conflict", detail);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(HttpStatus.FORBIDDEN, "forbidden", detail);
  }

  /** A rate limit was reached. */
  public static ApiException tooManyRequests(java.time.Duration wait) {
    return new ApiException(
        HttpStatus.TOO_MANY_REQUESTS,
        "rate-limited",
        "too many tries: try again in " + Math.max(1, wait.toSeconds()) + " s");
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }
}
