package social.fedimon.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pg_dump's INSERT forms become COPY text lines; anything else is left to run as a statement. */
class InsertRowsTest {

  @Test
  void valuesBecomeCopyTextWithItsEscapes() {
    InsertRows rows =
        InsertRows.parse(
                "--\n-- Data for Name: statuses; Type: TABLE DATA\n--\n\n"
                    + "INSERT INTO public.statuses VALUES (1, 'it''s a\ttab, a\nline and a \\"
                    + " backslash', NULL, true, -1.5e3, B'0101', '{\"a\": [1, 2]}');",
                true)
            .orElseThrow();

    assertThat(rows.table()).isEqualTo("public.statuses");
    assertThat(rows.columns()).isNull();
    assertThat(rows.copyStatement()).isEqualTo("COPY public.statuses FROM stdin;");
    assertThat(rows.lines())
        .containsExactly(
            "1\tit's a\\ttab, a\\nline and a \\\\ backslash\t\\N\ttrue\t-1.5e3\t0101\t{\"a\": [1, 2]}");
  }

  @Test
  void columnListsAndSeveralRowsPerStatementAreKept() {
    InsertRows rows =
        InsertRows.parse(
                "INSERT INTO \"Odd\".\"T\"\"able\" (id, \"na,me)\") VALUES (1, 'a'), (2, ')'),"
                    + " (3, ',');",
                true)
            .orElseThrow();

    assertThat(rows.copyStatement())
        .isEqualTo("COPY \"Odd\".\"T\"\"able\" (id, \"na,me)\") FROM stdin;");
    assertThat(rows.lines()).containsExactly("1\ta", "2\t)", "3\t,");
    assertThat(
            rows.sameTarget(
                InsertRows.parse(
                        "INSERT INTO \"Odd\".\"T\"\"able\" (id, \"na,me)\")" + " VALUES (4, 'b');",
                        true)
                    .orElseThrow()))
        .isTrue();
    assertThat(
            rows.sameTarget(
                InsertRows.parse("INSERT INTO \"Odd\".\"T\"\"able\"" + " VALUES (4, 'b');", true)
                    .orElseThrow()))
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "INSERT INTO public.t VALUES (1, E'a\\\\b');",
        "INSERT INTO public.t VALUES (1, DEFAULT);",
        "INSERT INTO public.t VALUES (1, 'a') ON CONFLICT DO NOTHING;",
        "INSERT INTO public.t VALUES (1, now());",
        "INSERT INTO public.t VALUES (1, 'a'::text);",
        "INSERT INTO public.t SELECT 1;",
        "INSERT INTO public.t VALUES (1, 'unterminated);",
        "INSERT INTO public.t VALUES (1, 'a' 'b');",
        "UPDATE public.t SET a = 1;"
      })
  void otherFormsAreNotConverted(String sql) {
    assertThat(InsertRows.parse(sql, true)).isEmpty();
  }

  @Test
  void nonStandardStringsAreNotConverted() {
    assertThat(InsertRows.parse("INSERT INTO public.t VALUES (1, 'a\\'b');", false)).isEmpty();
    assertThat(InsertRows.parse("INSERT INTO public.t VALUES (1, 'a');", true)).isPresent();
  }

  @Test
  void aCreateTableGivesTheColumnListAnInsertWithoutOneFills() {
    assertThat(
            InsertRows.tableColumns(
                "CREATE TABLE public.media_attachments ( id bigint DEFAULT"
                    + " public.timestamp_id('media_attachments, (x)'::text) NOT NULL,"
                    + " \"file file,name\" character varying(255), type integer DEFAULT 0,"
                    + " CONSTRAINT positive CHECK ((type >= 0)) );"))
        .contains("(id, \"file file,name\", type)");
    assertThat(
            InsertRows.tableColumns(
                "CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES IN (1);"))
        .isEmpty();
    InsertRows rows = InsertRows.parse("INSERT INTO public.t VALUES (1);", true).orElseThrow();
    assertThat(rows.withColumns("(id)").copyStatement())
        .isEqualTo("COPY public.t (id) FROM stdin;");
  }
}
