package social.fedimon.server.instance;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.api.ApiException;
import social.fedimon.server.migration.ChunkedUploads;
import social.fedimon.server.migration.MigrateIn;
import social.fedimon.server.task.TaskService;

/**
 * A backup in chunks, resumable: {@code POST .../uploads {"name", "size"}} starts one (or finds the
 * unfinished upload of the same file), {@code PUT .../uploads/{upload}/chunks/{n}} sends a chunk,
 * {@code GET .../uploads/{upload}} says which arrived, {@code POST .../complete} makes it the
 * instance's backup. The console's page uses it with its session, scripts with a token.
 */
@RestController
class UploadController {

  record Start(@Nullable String name, long size) {}

  private final ChunkedUploads uploads;
  private final InstanceStore instances;
  private final TaskService tasks;

  UploadController(ChunkedUploads uploads, InstanceStore instances, TaskService tasks) {
    this.uploads = uploads;
    this.instances = instances;
    this.tasks = tasks;
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/uploads", "/instances/{id}/uploads"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  ChunkedUploads.Status start(
      @PathVariable UUID id,
      @RequestBody Start start,
      @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = replaceable(id, account);
    return refusing(() -> uploads.start(instance, String.valueOf(start.name()), start.size()));
  }

  @GetMapping(
      path = {"/api/v1/instances/{id}/uploads/{upload}", "/instances/{id}/uploads/{upload}"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  ChunkedUploads.Status status(
      @PathVariable UUID id,
      @PathVariable UUID upload,
      @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = owned(id, account);
    return refusing(() -> uploads.status(instance, upload));
  }

  @PutMapping(
      path = {
        "/api/v1/instances/{id}/uploads/{upload}/chunks/{n}",
        "/instances/{id}/uploads/{upload}/chunks/{n}"
      })
  org.springframework.http.ResponseEntity<Void> chunk(
      @PathVariable UUID id,
      @PathVariable UUID upload,
      @PathVariable int n,
      HttpServletRequest request,
      @AuthenticationPrincipal CurrentAccount account)
      throws IOException {
    Instance instance = replaceable(id, account);
    try (InputStream body = request.getInputStream()) {
      refusing(
          () -> {
            try {
              uploads.chunk(instance, upload, n, body);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            return null;
          });
    }
    return org.springframework.http.ResponseEntity.noContent().build();
  }

  @PostMapping(
      path = {
        "/api/v1/instances/{id}/uploads/{upload}/complete",
        "/instances/{id}/uploads/{upload}/complete"
      },
      produces = MediaType.APPLICATION_JSON_VALUE)
  ChunkedUploads.Status complete(
      @PathVariable UUID id,
      @PathVariable UUID upload,
      @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = replaceable(id, account);
    ChunkedUploads.Status done = refusing(() -> uploads.complete(instance, upload));
    InstanceController.backupChanged(tasks, tasks.first(id, MigrateIn.NAME), id);
    return done;
  }

  private Instance owned(UUID id, CurrentAccount account) {
    return instances
        .findOwned(id, account.id())
        .orElseThrow(() -> ApiException.notFound("this instance"));
  }

  private Instance replaceable(UUID id, CurrentAccount account) {
    Instance instance = owned(id, account);
    InstanceController.checkReplaceable(tasks.first(id, MigrateIn.NAME));
    return instance;
  }

  private static <T> T refusing(java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (ChunkedUploads.Refused e) {
      throw ApiException.invalid(e.getMessage());
    } catch (NoSuchElementException e) {
      throw ApiException.notFound("this upload");
    }
  }
}
