package social.fedimon.server.hosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * What a deploy writes, per case, against golden YAML in {@code src/test/resources/hosting} (run
 * with {@code -Dfedimon.golden.update=true} to write them again after a deliberate change, and read
 * the diff): Mastodon, glitch-soc, WEB_DOMAIN other than LOCAL_DOMAIN, Elasticsearch on, a shared
 * Redis (no Redis of its own in the namespace). Every document reads back into fabric8's model with
 * no field it does not know; the Secret holds the env and nothing else.
 */
class InstanceManifestsTest {

  static final UUID ID = UUID.fromString("7d4f6a52-0c1e-4a7b-9b8e-3f2a1c5d6e70");
  static final KubernetesSerialization YAML = new KubernetesSerialization();

  /** The images application.properties ships, bound as the server binds them. */
  static HostingProperties properties() throws Exception {
    java.util.Properties shipped = new java.util.Properties();
    try (var in = InstanceManifestsTest.class.getResourceAsStream("/application.properties")) {
      shipped.load(in);
    }
    Map<String, String> hosting = new LinkedHashMap<>();
    shipped.forEach(
        (k, v) -> {
          if (k.toString().startsWith("fedimon.hosting.")) {
            hosting.put(k.toString(), v.toString());
          }
        });
    return new Binder(new MapConfigurationPropertySource(hosting))
        .bindOrCreate("fedimon.hosting", HostingProperties.class);
  }

  static InstanceSpec spec(String kase) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LOCAL_DOMAIN", "example.social");
    env.put("SECRET_KEY_BASE", "c2VjcmV0");
    env.put("OTP_SECRET", "b3Rw");
    env.put("DB_HOST", "tenants.internal");
    env.put("REDIS_HOST", "redis");
    String fork = "mastodon";
    String release = "4.5";
    String web = null;
    switch (kase) {
      case "glitch-soc" -> {
        fork = "glitch-soc";
        release = "4.4.3";
      }
      case "web-domain" -> {
        web = "social.example.social";
        env.put("WEB_DOMAIN", web);
      }
      case "elasticsearch" -> {
        env.put("ES_ENABLED", "true");
        env.put("ES_HOST", "search.internal");
      }
      case "shared-redis" -> {
        env.put("REDIS_HOST", "redis.shared.internal");
        env.put("REDIS_DB", "3");
      }
      default -> {}
    }
    return new InstanceSpec(ID, "example.social", web, fork, release, Plan.SMALL, env);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mastodon", "glitch-soc", "web-domain", "elasticsearch", "shared-redis"})
  void eachCaseRendersItsGoldenManifests(String kase) throws Exception {
    InstanceManifests.Objects objects = new InstanceManifests(properties()).of(spec(kase));
    String rendered =
        "# base\n"
            + ManifestFolder.yaml(objects.base())
            + "# migrate\n"
            + ManifestFolder.yaml(objects.migrate())
            + "# app\n"
            + ManifestFolder.yaml(objects.app())
            + "# after\n"
            + ManifestFolder.yaml(objects.after());
    Path golden = Path.of("src/test/resources/hosting", kase + ".yaml");
    if (Boolean.getBoolean("fedimon.golden.update")) {
      Files.writeString(golden, rendered, StandardCharsets.UTF_8);
    }
    assertThat(rendered).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));

    for (HasMetadata object : objects.all()) {
      String document = YAML.asYaml(object);
      HasMetadata read = YAML.unmarshal(document);
      assertThat(read.getClass()).isEqualTo(object.getClass());
      assertThat(unknownFields(read)).as(document).isEmpty();
      assertThat(YAML.asYaml(read)).isEqualTo(document);
    }
  }

  @Test
  void theSecretHoldsTheEnvAndNothingElse() throws Exception {
    InstanceSpec spec = spec("web-domain");
    List<Secret> secrets =
        new InstanceManifests(properties())
            .of(spec).all().stream()
                .filter(Secret.class::isInstance)
                .map(Secret.class::cast)
                .toList();
    assertThat(secrets).hasSize(1);
    assertThat(secrets.get(0).getStringData()).containsExactlyEntriesOf(spec.env());
    assertThat(secrets.get(0).getData()).isNullOrEmpty();
  }

  @Test
  void aReleaseWithoutAnImageIsRefusedSayingWhatToSet() throws Exception {
    InstanceManifests manifests = new InstanceManifests(properties());
    InstanceSpec hometown =
        new InstanceSpec(ID, "h.example", null, "hometown", "4.4", Plan.SMALL, Map.of());
    assertThatThrownBy(() -> manifests.of(hometown))
        .isInstanceOf(InstanceManifests.Refused.class)
        .hasMessageContaining("no image for hometown 4.4")
        .hasMessageContaining("FEDIMON_HOSTING_IMAGES_HOMETOWN44_WEB");
    InstanceSpec pre =
        new InstanceSpec(ID, "p.example", null, "mastodon", "4.6-pre", Plan.SMALL, Map.of());
    assertThatThrownBy(() -> manifests.of(pre)).hasMessageContaining("4.6-pre");
  }

  @Test
  void namespacesAreDnsLabelsEvenForLongDomains() throws Exception {
    InstanceManifests manifests = new InstanceManifests(properties());
    assertThat(manifests.namespace("example.social")).isEqualTo("fedimon-example-social");
    String long1 = "a".repeat(60) + ".example";
    String long2 = "a".repeat(60) + ".example2";
    assertThat(manifests.namespace(long1))
        .hasSizeLessThanOrEqualTo(63)
        .matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")
        .isNotEqualTo(manifests.namespace(long2));
  }

  @Test
  void theFolderHoldsTheManifestsForItsOwnerOnly(@TempDir Path dir) throws Exception {
    InstanceManifests.Objects objects = new InstanceManifests(properties()).of(spec("mastodon"));
    Path folder = dir.resolve("example.social");
    ManifestFolder.write(folder, objects);
    assertThat(folder.toFile().list())
        .containsExactlyInAnyOrder(
            "1-base.yaml", "2-migrate.yaml", "3-app.yaml", "4-after.yaml", "apply.sh");
    assertThat(Files.getPosixFilePermissions(folder.resolve("1-base.yaml")))
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    assertThat(Files.readString(folder.resolve("apply.sh")))
        .contains("kubectl apply -f 2-migrate.yaml")
        .contains("wait --for=condition=complete job/db-migrate")
        .containsSubsequence("2-migrate.yaml", "3-app.yaml", "4-after.yaml");
  }

  @Test
  void theRbacManifestGrantsWhatADeployUsesAndReadsBackCleanly() throws Exception {
    String text = Files.readString(Path.of("../deploy/kubernetes/rbac.yaml"));
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : text.split("(?m)^---$")) {
      if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
        HasMetadata object = YAML.unmarshal(document);
        assertThat(unknownFields(object)).as(document).isEmpty();
        objects.add(object);
      }
    }
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsExactly("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding");
    io.fabric8.kubernetes.api.model.rbac.ClusterRole role =
        (io.fabric8.kubernetes.api.model.rbac.ClusterRole) objects.get(2);
    // each kind of object a deploy writes, with the verbs it writes it with
    InstanceManifests.Objects deployed =
        new InstanceManifests(properties()).of(spec("elasticsearch"));
    for (HasMetadata object : deployed.all()) {
      String group =
          object.getApiVersion().contains("/") ? object.getApiVersion().split("/")[0] : "";
      String kind = object.getKind().toLowerCase(java.util.Locale.ROOT);
      String resource =
          kind.endsWith("y")
              ? kind.substring(0, kind.length() - 1) + "ies"
              : kind.endsWith("s") ? kind + "es" : kind + "s";
      for (String verb : List.of("get", "create")) {
        assertThat(
                role.getRules().stream()
                    .anyMatch(
                        r ->
                            r.getApiGroups().contains(group)
                                && r.getResources().contains(resource)
                                && r.getVerbs().contains(verb)))
            .as(verb + " " + group + "/" + resource)
            .isTrue();
      }
    }
    // and nothing of what a restore or an admin's secrets would need: no wildcard, no RBAC
    assertThat(role.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
              assertThat(r.getResources()).doesNotContain("*", "roles", "clusterroles");
            });
  }

  /** Fields a document had that the model does not know (kept aside by fabric8), by path. */
  static List<String> unknownFields(Object root) throws Exception {
    List<String> unknown = new ArrayList<>();
    walk(root, "", unknown, new IdentityHashMap<>());
    return unknown;
  }

  private static void walk(
      Object node, String path, List<String> unknown, Map<Object, Boolean> seen) throws Exception {
    if (node == null || seen.put(node, true) != null) {
      return;
    }
    if (node instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        walk(entry.getValue(), path + "." + entry.getKey(), unknown, seen);
      }
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        Map<?, ?> extra = (Map<?, ?>) getter.invoke(node);
        if (extra != null && !extra.isEmpty()) {
          unknown.add(path + " " + extra.keySet());
        }
      } else if (!getter.getReturnType().isPrimitive()
          && getter.getDeclaringClass() != Object.class) {
        walk(getter.invoke(node), path + "." + getter.getName().substring(3), unknown, seen);
      }
    }
  }
}
