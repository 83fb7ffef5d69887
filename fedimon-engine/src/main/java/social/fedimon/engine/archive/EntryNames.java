package social.fedimon.engine.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns an entry name from an archive into a safe relative path, or says why it is not one.
 *
 * <p>Accepted: {@code a/b/c}, {@code ./a//b/}, {@code a/./b}. Refused as traversal: absolute names
 * ({@code /etc/x}), any {@code ..} segment (even one that would stay inside the root: an honest
 * archiver never writes one), drive letters ({@code C:x}, {@code C:\x}), UNC and device paths, NUL
 * characters, and the same tricks spelled with backslashes, which Windows tools use as separators.
 */
public final class EntryNames {

  private EntryNames() {}

  /** Why a name was refused. */
  public enum Refusal {
    EMPTY,
    ABSOLUTE,
    PARENT_SEGMENT,
    DRIVE_LETTER,
    NUL_CHARACTER,
    TOO_LONG
  }

  /** The outcome: a normalized name, or a refusal. Exactly one is present. */
  public record Result(Optional<String> name, Optional<Refusal> refusal) {
    static Result ok(String name) {
      return new Result(Optional.of(name), Optional.empty());
    }

    static Result refused(Refusal refusal) {
      return new Result(Optional.empty(), Optional.of(refusal));
    }

    public boolean accepted() {
      return name.isPresent();
    }
  }

  /**
   * Normalizes {@code raw}: separators become {@code /}, empty and {@code .} segments go, a
   * trailing slash goes. Names whose UTF-8 form is longer than {@code maxBytes} are refused as too
   * long.
   */
  public static Result normalize(String raw, int maxBytes) {
    if (raw.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      return Result.refused(Refusal.TOO_LONG);
    }
    if (raw.indexOf('\0') >= 0) {
      return Result.refused(Refusal.NUL_CHARACTER);
    }
    String slashed = raw.replace('\\', '/');
    if (slashed.startsWith("/")) {
      return Result.refused(Refusal.ABSOLUTE);
    }
    if (slashed.length() >= 2 && isLetter(slashed.charAt(0)) && slashed.charAt(1) == ':') {
      return Result.refused(Refusal.DRIVE_LETTER);
    }
    List<String> segments = new ArrayList<>();
    for (String segment : slashed.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (isParent(segment)) {
        return Result.refused(Refusal.PARENT_SEGMENT);
      }
      if (segment.indexOf(':') >= 0 && isLetter(segment.charAt(0)) && segment.indexOf(':') == 1) {
        return Result.refused(Refusal.DRIVE_LETTER);
      }
      segments.add(segment);
    }
    if (segments.isEmpty()) {
      return Result.refused(Refusal.EMPTY);
    }
    return Result.ok(String.join("/", segments));
  }

  /**
   * {@code ..}, and the spellings Windows treats the same way ({@code .. } and {@code ...} with
   * trailing dots or spaces, which Win32 strips).
   */
  private static boolean isParent(String segment) {
    if (segment.equals("..")) {
      return true;
    }
    String stripped = segment;
    while (!stripped.isEmpty()
        && (stripped.endsWith(".") || stripped.endsWith(" "))
        && stripped.length() > 2) {
      stripped = stripped.substring(0, stripped.length() - 1);
    }
    return stripped.equals("..")
        || (segment.chars().allMatch(c -> c == '.') && segment.length() > 1);
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** A sentence for the report: what is wrong with the name. */
  public static String explain(Refusal refusal) {
    return switch (refusal) {
      case EMPTY -> "the entry has an empty name";
      case ABSOLUTE -> "the entry name is an absolute path, which would escape the archive";
      case PARENT_SEGMENT -> "the entry name contains '..', which would escape the archive";
      case DRIVE_LETTER ->
          "the entry name starts with a drive letter, which would escape the archive";
      case NUL_CHARACTER -> "the entry name contains a NUL character, which can hide its real end";
      case TOO_LONG -> "the entry name is longer than the limit";
    };
  }
}
