package social.fedimon.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLexerTest {

  /** Items as strings: S:sql, M:meta, D:data. */
  static List<String> lex(String sql) throws IOException {
    SqlLexer lexer = new SqlLexer(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)));
    List<String> items = new ArrayList<>();
    for (SqlLexer.Item item = lexer.next(); item != null; item = lexer.next()) {
      if (item instanceof SqlLexer.Statement s) {
        items.add("S:" + s.sql().strip());
      } else if (item instanceof SqlLexer.MetaCommand m) {
        items.add("M:" + m.text());
      } else if (item instanceof SqlLexer.CopyData d) {
        items.add("D:" + new String(d.data().readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return items;
  }

  @Test
  void splitsStatementsAndKeepsSemicolonsInsideQuotesBodiesCommentsAndParentheses()
      throws IOException {
    assertThat(
            lex(
                """
                SET a = 'x;y';
                CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
                CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; /* $$ */ END $body$;
                SELECT "we;ird" FROM t /* a ; /* nested ; */ still */ ;
                CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO u VALUES (1); INSERT INTO v VALUES (2));
                -- a comment ; with \\! a fake meta-command
                SELECT E'it''s \\' ; quoted';
                SELECT $1, a$b$c FROM t;
                """))
        .containsExactly(
            "S:SET a = 'x;y';",
            "S:CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;",
            "S:CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; /* $$ */ END $body$;",
            "S:SELECT \"we;ird\" FROM t /* a ; /* nested ; */ still */ ;",
            "S:CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO u VALUES (1); INSERT INTO v VALUES (2));",
            "S:SELECT E'it''s \\' ; quoted';",
            "S:SELECT $1, a$b$c FROM t;");
  }

  @Test
  void findsMetaCommandsOnlyOutsideQuotes() throws IOException {
    assertThat(
            lex(
                """
                \\restrict abc
                SELECT '\\! not a command';
                SELECT $$ \\! nor this $$;
                \\! touch /tmp/pwned
                SELECT 1 \\g | sh
                """))
        .containsExactly(
            "M:\\restrict abc",
            "S:SELECT '\\! not a command';",
            "S:SELECT $$ \\! nor this $$;",
            "M:\\! touch /tmp/pwned",
            "M:\\g | sh");
  }

  @Test
  void readsCopyDataUpToItsTerminatorLine() throws IOException {
    assertThat(
            lex(
                "COPY public.t (a, b) FROM stdin;\n"
                    + "1\tline with \\\\. and \\n escapes\n"
                    + "2\t\\!not a command in data\n"
                    + "\\.\n"
                    + "SELECT 1;\n"))
        .containsExactly(
            "S:COPY public.t (a, b) FROM stdin;",
            "D:1\tline with \\\\. and \\n escapes\n2\t\\!not a command in data\n",
            "S:SELECT 1;");
  }

  @Test
  void aCopyWhoseDataIsSkippedLeavesTheLexerAtTheNextStatement() throws IOException {
    SqlLexer lexer =
        new SqlLexer(
            new ByteArrayInputStream(
                "COPY t FROM stdin;\n1\n2\n\\.\nSELECT 2;\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(lexer.next()).isInstanceOf(SqlLexer.Statement.class);
    SqlLexer.CopyData data = (SqlLexer.CopyData) lexer.next();
    data.data().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(((SqlLexer.Statement) lexer.next()).sql()).isEqualTo("SELECT 2;");
  }

  @Test
  void backslashesEscapeEverywhereWhenStandardStringsAreOff() throws IOException {
    SqlLexer lexer =
        new SqlLexer(
            new ByteArrayInputStream("SELECT 'a\\'; b';\n".getBytes(StandardCharsets.UTF_8)));
    lexer.standardConformingStrings(false);

    assertThat(((SqlLexer.Statement) lexer.next()).sql()).isEqualTo("SELECT 'a\\'; b';");
  }

  @Test
  void refusesADumpThatEndsInsideAStringOrCopyData() {
    assertThatThrownBy(() -> lex("SELECT 'never closed;\n")).isInstanceOf(DumpRejected.class);
    assertThatThrownBy(() -> lex("COPY t FROM stdin;\n1\n2\n")).isInstanceOf(DumpRejected.class);
    assertThatThrownBy(() -> lex("SELECT 1")).isInstanceOf(DumpRejected.class);
  }

  @Test
  void readsVersionsFromPgDumpsHeader() throws IOException {
    SqlLexer lexer =
        new SqlLexer(
            new ByteArrayInputStream(
                "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 16.4 (Debian 16.4-1)\n-- Dumped by pg_dump version 17.6\n\nSET a = 1;\n"
                    .getBytes(StandardCharsets.UTF_8)));
    lexer.next();

    assertThat(lexer.dumpedFrom()).isEqualTo("16.4");
    assertThat(lexer.dumpedBy()).isEqualTo("17.6");
  }
}
