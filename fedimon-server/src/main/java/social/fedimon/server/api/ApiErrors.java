package social.fedimon.server.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every API error as {@code application/problem+json} with a {@code code} and a {@code detail}. */
@RestControllerAdvice(basePackages = "social.fedimon.server")
public class ApiErrors {

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> api(ApiException e) {
    return problem(e.status(), e.code(), e.getMessage());
  }

  @ExceptionHandler({
    HttpMessageNotReadableException.class,
    MethodArgumentTypeMismatchException.class,
    HttpMediaTypeNotSupportedException.class
  })
  ResponseEntity<ProblemDetail> unreadable(Exception e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof RequestSizeLimit.BodyTooLarge tooLarge) {
        return problem(HttpStatus.PAYLOAD_TOO_LARGE, "invalid-request", tooLarge.getMessage());
      }
    }
    return problem(
        HttpStatus.BAD_REQUEST, "invalid-request", "the request is not what this URL takes");
  }

  @ExceptionHandler(MethodArgumentNotValidException.class)
  ResponseEntity<ProblemDetail> invalid(MethodArgumentNotValidException e) {
    StringBuilder detail = new StringBuilder();
    e.getBindingResult()
        .getFieldErrors()
        .forEach(
            error ->
                detail
                    .append(detail.isEmpty() ? "" : "; ")
                    .append(error.getField())
                    .append(": ")
                    .append(error.getDefaultMessage()));
    return problem(HttpStatus.BAD_REQUEST, "invalid-request", detail.toString());
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
    return problem(
        HttpStatus.METHOD_NOT_ALLOWED,
        "invalid-request",
        "this URL does not take " + e.getMethod());
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<ProblemDetail> none(NoResourceFoundException e) {
    return problem(HttpStatus.NOT_FOUND, "not-found", "nothing is here");
  }

  public static ResponseEntity<ProblemDetail> problem(
      HttpStatusCode status, String code, String detail) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
    body.setProperty("code", code);
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
  }

  /** For filters, which answer before any controller. */
  public static void write(
      HttpServletResponse response, HttpStatus status, String code, String detail)
      throws IOException {
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    response
        .getWriter()
        .write(
            "{\"type\":\"about:blank\",\"title\":\""
                + status.getReasonPhrase()
                + "\",\"status\":"
                + status.value()
                + ",\"code\":\""
                + code
                + "\",\"detail\":\""
                + detail.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"}");
  }
}
