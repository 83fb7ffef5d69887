package social.fedimon.engine.mastodon;

/**
 * A set of media keys held as 64-bit hashes in an open-addressing table: ten million keys take 160
 * MB as strings in a HashSet would take several GB. A collision can only hide a missing file from
 * the count (1 in 2^64 per pair), never report a present one as missing.
 */
public final class KeySet {

  private long[] slots = new long[1024];
  private int size;

  public void add(String key) {
    long hash = hash(key);
    if ((size + 1) * 2L > slots.length) {
      grow();
    }
    if (insert(slots, hash)) {
      size++;
    }
  }

  public boolean contains(String key) {
    long hash = hash(key);
    int mask = slots.length - 1;
    for (int i = (int) (hash ^ (hash >>> 32)) & mask; ; i = (i + 1) & mask) {
      if (slots[i] == 0) {
        return false;
      }
      if (slots[i] == hash) {
        return true;
      }
    }
  }

  public int size() {
    return size;
  }

  long countAbsentFrom(KeySet other) {
    long absent = 0;
    for (long hash : slots) {
      if (hash != 0 && !other.containsHash(hash)) {
        absent++;
      }
    }
    return absent;
  }

  private boolean containsHash(long hash) {
    int mask = slots.length - 1;
    for (int i = (int) (hash ^ (hash >>> 32)) & mask; ; i = (i + 1) & mask) {
      if (slots[i] == 0) {
        return false;
      }
      if (slots[i] == hash) {
        return true;
      }
    }
  }

  private static boolean insert(long[] table, long hash) {
    int mask = table.length - 1;
    for (int i = (int) (hash ^ (hash >>> 32)) & mask; ; i = (i + 1) & mask) {
      if (table[i] == 0) {
        table[i] = hash;
        return true;
      }
      if (table[i] == hash) {
        return false;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long hash : slots) {
      if (hash != 0) {
        insert(bigger, hash);
      }
    }
    slots = bigger;
  }

  /** 64-bit FNV-1a, never 0 (0 marks an empty slot). */
  static long hash(String key) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      hash ^= key.charAt(i);
      hash *= 0x100000001b3L;
    }
    return hash == 0 ? 1 : hash;
  }
}
