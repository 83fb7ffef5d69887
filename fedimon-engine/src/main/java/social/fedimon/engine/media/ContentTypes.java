package social.fedimon.engine.media;

import java.util.Locale;
import java.util.Map;

/** The content type an object store should serve a media file with, from its extension. */
public final class ContentTypes {

  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("avif", "image/avif"),
          Map.entry("heic", "image/heic"),
          Map.entry("bmp", "image/bmp"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("mp4", "video/mp4"),
          Map.entry("m4v", "video/mp4"),
          Map.entry("webm", "video/webm"),
          Map.entry("mov", "video/quicktime"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("ogg", "audio/ogg"),
          Map.entry("oga", "audio/ogg"),
          Map.entry("opus", "audio/ogg"),
          Map.entry("wav", "audio/wav"),
          Map.entry("m4a", "audio/mp4"),
          Map.entry("flac", "audio/flac"),
          Map.entry("json", "application/json"),
          Map.entry("zip", "application/zip"),
          Map.entry("csv", "text/csv"),
          Map.entry("txt", "text/plain"));

  private ContentTypes() {}

  public static String of(String key) {
    int dot = key.lastIndexOf('.');
    int slash = key.lastIndexOf('/');
    if (dot <= slash) {
      return "application/octet-stream";
    }
    return BY_EXTENSION.getOrDefault(
        key.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
  }
}
