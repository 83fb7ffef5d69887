package social.fedimon.engine.dump;

import java.util.Set;
import java.util.regex.Pattern;

/** Which of pg_restore's phases a statement belongs to, from pg_dump's object type. */
final class Phases {

  /** pg_dump's post-data object types (pg_dump.c: SECTION_POST_DATA). */
  static final Set<String> POST_DATA =
      Set.of(
          "INDEX",
          "INDEX ATTACH",
          "CONSTRAINT",
          "CHECK CONSTRAINT",
          "FK CONSTRAINT",
          "TRIGGER",
          "EVENT TRIGGER",
          "RULE",
          "POLICY",
          "ROW SECURITY",
          "MATERIALIZED VIEW DATA",
          "STATISTICS",
          "PUBLICATION TABLE",
          "PUBLICATION TABLES IN SCHEMA");

  /** Types in the data section besides table data. */
  static final Set<String> DATA =
      Set.of("SEQUENCE SET", "BLOB", "BLOBS", "BLOB DATA", "LARGE OBJECT");

  /** Types that belong to the object before them (comments, ACLs, labels). */
  static final Set<String> ATTACHED = Set.of("COMMENT", "ACL", "SECURITY LABEL", "DEFAULT ACL");

  private static final Pattern POST_DATA_STATEMENT =
      Pattern.compile(
          "(?is)^(CREATE\\s+(UNIQUE\\s+)?INDEX|CREATE\\s+(CONSTRAINT\\s+)?TRIGGER|CREATE\\s+RULE|CREATE\\s+POLICY|REFRESH\\s+MATERIALIZED|ALTER\\s+TABLE\\s+(ONLY\\s+)?\\S+\\s+ADD\\s+CONSTRAINT|ALTER\\s+INDEX\\s+\\S+\\s+ATTACH).*");
  private static final Pattern DATA_STATEMENT =
      Pattern.compile("(?is)^SELECT\\s+pg_catalog\\.(setval|lo_).*");

  private Phases() {}

  /** The phase of a TOC type, or of the statement itself when the dump has no TOC comment. */
  static DumpHandler.Phase of(String tocType, String normalizedSql, DumpHandler.Phase current) {
    if (!tocType.isEmpty()) {
      if (ATTACHED.contains(tocType)) {
        return current;
      }
      if (POST_DATA.contains(tocType)) {
        return DumpHandler.Phase.POST_DATA;
      }
      if (DATA.contains(tocType)) {
        return DumpHandler.Phase.DATA;
      }
      return DumpHandler.Phase.PRE_DATA;
    }
    if (POST_DATA_STATEMENT.matcher(normalizedSql).matches()) {
      return DumpHandler.Phase.POST_DATA;
    }
    if (DATA_STATEMENT.matcher(normalizedSql).matches()) {
      return DumpHandler.Phase.DATA;
    }
    return current == DumpHandler.Phase.POST_DATA ? current : DumpHandler.Phase.PRE_DATA;
  }

  /** Section numbers of a custom archive's TOC. */
  static DumpHandler.Phase ofSection(int section, DumpHandler.Phase current) {
    return switch (section) {
      case TocEntry.SECTION_PRE_DATA -> DumpHandler.Phase.PRE_DATA;
      case TocEntry.SECTION_DATA -> DumpHandler.Phase.DATA;
      case TocEntry.SECTION_POST_DATA -> DumpHandler.Phase.POST_DATA;
      default -> current;
    };
  }
}
