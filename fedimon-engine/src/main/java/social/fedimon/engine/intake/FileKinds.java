package social.fedimon.engine.intake;

import java.util.Optional;

/** Names common file types by their first bytes, to tell an admin what they actually sent. */
final class FileKinds {

  private FileKinds() {}

  static Optional<String> guess(byte[] head) {
    if (starts(head, 0x89, 'P', 'N', 'G')) {
      return Optional.of("a PNG image");
    }
    if (starts(head, 0xFF, 0xD8, 0xFF)) {
      return Optional.of("a JPEG image");
    }
    if (starts(head, '%', 'P', 'D', 'F')) {
      return Optional.of("a PDF document");
    }
    if (starts(head, 'R', 'a', 'r', '!')) {
      return Optional.of("a RAR archive, which FédiMon does not read: send a zip, tar or 7z");
    }
    if (starts(head, 0x7F, 'E', 'L', 'F')) {
      return Optional.of("a program (ELF)");
    }
    if (head.length == 0) {
      return Optional.of("an empty file");
    }
    return Optional.empty();
  }

  private static boolean starts(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
