package social.fedimon.server.hosting;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Kubernetes objects of one instance, in the order they are applied: the base (namespace, the
 * env's Secret, Redis, the NetworkPolicy), the database migration Job that must finish before web
 * starts, the application (web, streaming, Sidekiq, their Services, the Ingress), and the Jobs that
 * run once it does (post-deployment migrations, feeds, search index).
 */
public final class InstanceManifests {

  /** The label every object of an instance carries, with the instance's id. */
  public static final String INSTANCE_LABEL = "fedimon.social/instance";

  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String COMPONENT = "app.kubernetes.io/component";
  static final int WEB_PORT = 3000;
  static final int STREAMING_PORT = 4000;
  static final int REDIS_PORT = 6379;

  /** REDIS_HOST of an instance with its own Redis: the Service in its namespace. */
  public static final String OWN_REDIS_HOST = "redis";

  // the mastodon user of the official images
  static final long MASTODON_UID = 991;

  /**
   * An instance's objects.
   *
   * @param namespace where they live
   * @param base what the rest needs: namespace, Secret, Redis, NetworkPolicy
   * @param migrate the Job that migrates the database before web starts
   * @param app web, streaming, Sidekiq, Services, Ingresses
   * @param after the Jobs that run once the new version runs
   */
  public record Objects(
      String namespace,
      List<HasMetadata> base,
      List<HasMetadata> migrate,
      List<HasMetadata> app,
      List<HasMetadata> after) {

    public List<HasMetadata> all() {
      List<HasMetadata> all = new ArrayList<>(base);
      all.addAll(migrate);
      all.addAll(app);
      all.addAll(after);
      return all;
    }
  }

  /** An instance that cannot be run as asked: no image for its release, say. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message);
    }
  }

  private final HostingProperties properties;

  public InstanceManifests(HostingProperties properties) {
    this.properties = properties;
  }

  /** The namespace of an instance of this domain: a DNS label of at most 63 characters. */
  public String namespace(String localDomain) {
    String name =
        (properties.namespacePrefix() + localDomain.toLowerCase(Locale.ROOT))
            .replaceAll("[^a-z0-9-]", "-");
    if (name.length() > 63) {
      // long names keep their start and a digest of the whole, so two never collide
      String digest =
          Integer.toHexString(name.hashCode() & 0x7fffffff)
              + Integer.toHexString(localDomain.length());
      name = name.substring(0, 62 - digest.length()) + "-" + digest;
    }
    return name.replaceAll("-+$", "");
  }

  /** The images the instance's fork and release run on. */
  public HostingProperties.Images images(InstanceSpec spec) {
    String line = releaseLine(spec.release());
    String key = imageKey(spec.fork(), line);
    HostingProperties.Images images = properties.images().get(key);
    if (images == null) {
      throw new Refused(
          "there is no image for "
              + spec.fork()
              + " "
              + line
              + " on this platform: an operator sets FEDIMON_HOSTING_IMAGES_"
              + key.toUpperCase(Locale.ROOT)
              + "_WEB (and _STREAMING from 4.3)");
    }
    return images;
  }

  /**
   * The key of a fork's release line among the images: letters and digits only, so that an
   * environment variable can name it ({@code mastodon45}, {@code glitchsoc44}).
   */
  static String imageKey(String fork, String line) {
    return (fork + line).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  /**
   * The release lines of {@code fork} newer than {@code release} this platform has images for,
   * oldest first: what the instance may be upgraded to. A key's digits are read as the major's one
   * digit and the minor's ({@code mastodon410}: 4.10).
   */
  public List<String> newerLines(String fork, String release) {
    return lines(fork).stream().filter(line -> newer(line, release)).toList();
  }

  /** The forks an instance of Mastodon may switch to: they carry all of its migrations. */
  public static final List<String> FORKS = List.of("glitch-soc", "hometown");

  /**
   * The lines of the forks a Mastodon instance on {@code release} may switch to, with images here:
   * the same line or newer ({@code glitch-soc 4.5}), oldest first, each fork in turn. A fork does
   * not switch back: Mastodon would lose what the fork added (formatting, local-only posts).
   */
  public List<String> forkTargets(String fork, String release) {
    if (!"mastodon".equals(fork)) {
      return List.of();
    }
    List<String> targets = new ArrayList<>();
    for (String other : FORKS) {
      for (String line : lines(other)) {
        if (newer(line, release) || line.equals(lineOf(release))) {
          targets.add(other + " " + line);
        }
      }
    }
    return targets;
  }

  /** The line of a release ({@code 4.5} of {@code 4.5.2}); null for what is no release. */
  static @Nullable String lineOf(String release) {
    try {
      return releaseLine(release);
    } catch (Refused e) {
      return null;
    }
  }

  /** The lines of {@code fork} with images here, oldest first. */
  private List<String> lines(String fork) {
    String prefix = imageKey(fork, "");
    List<int[]> found = new ArrayList<>();
    for (String key : properties.images().keySet()) {
      String digits = key.startsWith(prefix) ? key.substring(prefix.length()) : "";
      if (digits.matches("[0-9]{2,4}")) {
        found.add(new int[] {digits.charAt(0) - '0', Integer.parseInt(digits.substring(1))});
      }
    }
    return found.stream()
        .sorted(InstanceManifests::compare)
        .map(line -> line[0] + "." + line[1])
        .toList();
  }

  /** Whether {@code line} ({@code 4.5}) is newer than the line of {@code release}. */
  public static boolean newer(String line, String release) {
    try {
      return compare(parts(releaseLine(line)), parts(releaseLine(release))) > 0;
    } catch (Refused e) {
      return false;
    }
  }

  private static int[] parts(String line) {
    String[] parts = line.split("\\.");
    return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
  }

  private static int compare(int[] a, int[] b) {
    return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
  }

  private static String releaseLine(String release) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(release);
    if (!m.lookingAt() || release.contains("-")) {
      throw new Refused(
          "the release "
              + release
              + " is not a release this platform runs (a development version?)");
    }
    return m.group(1) + "." + m.group(2);
  }

  public Objects of(InstanceSpec spec) {
    HostingProperties.Images images = images(spec);
    String ns = namespace(spec.localDomain());
    Map<String, String> labels =
        sorted(MANAGED_BY, "fedimon", INSTANCE_LABEL, spec.id().toString());

    List<HasMetadata> base = new ArrayList<>();
    base.add(
        new NamespaceBuilder()
            .withMetadata(new ObjectMetaBuilder().withName(ns).withLabels(labels).build())
            .build());
    base.add(
        new SecretBuilder()
            .withMetadata(meta(ns, "env", labels, null))
            .withType("Opaque")
            .withStringData(new LinkedHashMap<>(spec.env()))
            .build());
    if (spec.ownRedis()) {
      base.add(redis(ns, labels));
      base.add(service(ns, "redis", labels, REDIS_PORT));
    }
    base.add(
        new NetworkPolicyBuilder()
            .withMetadata(meta(ns, "isolate", labels, null))
            .withNewSpec()
            .withNewPodSelector()
            .endPodSelector()
            .withPolicyTypes("Ingress")
            .addNewIngress()
            .addNewFrom()
            .withNewPodSelector()
            .endPodSelector()
            .endFrom()
            .addNewFrom()
            .withNewNamespaceSelector()
            .withMatchLabels(sorted("kubernetes.io/metadata.name", properties.ingressNamespace()))
            .endNamespaceSelector()
            .endFrom()
            .endIngress()
            .endSpec()
            .build());

    // a Job per release: an upgrade runs its migrations anew, and a Job's pod template, which
    // cannot be changed, is never updated
    String release = spec.release().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "-");
    // and per fork: a switch to one runs its migrations, which Mastodon's Job of that line had not
    String jobSuffix =
        ("mastodon".equals(spec.fork()) ? "" : "-" + imageKey(spec.fork(), ""))
            + "-v"
            + release.substring(0, Math.min(release.length(), 24));
    List<HasMetadata> migrate =
        List.of(
            job(
                ns,
                "db-migrate" + jobSuffix,
                labels,
                images.web(),
                List.of("bundle", "exec", "rails", "db:migrate"),
                List.of(env("SKIP_POST_DEPLOYMENT_MIGRATIONS", "true")),
                spec.plan()));

    List<HasMetadata> app = new ArrayList<>();
    app.add(
        deployment(
            ns,
            "web",
            labels,
            new ContainerBuilder()
                .withName("web")
                .withImage(images.web())
                .withCommand("bundle", "exec", "puma", "-C", "config/puma.rb")
                .withEnv(env("BIND", "0.0.0.0"), env("PORT", String.valueOf(WEB_PORT)))
                .addNewPort()
                .withContainerPort(WEB_PORT)
                .withName("http")
                .endPort()
                .withResources(
                    resources(
                        spec.plan().webMemory,
                        spec.plan().webMemoryLimit,
                        spec.plan().webCpu,
                        spec.plan().webCpuLimit))
                .withReadinessProbe(http("/health", WEB_PORT, 10))
                .withLivenessProbe(http("/health", WEB_PORT, 60))
                .build()));
    ContainerBuilder streaming =
        new ContainerBuilder()
            .withName("streaming")
            .withEnv(env("BIND", "0.0.0.0"), env("PORT", String.valueOf(STREAMING_PORT)))
            .addNewPort()
            .withContainerPort(STREAMING_PORT)
            .withName("http")
            .endPort()
            .withResources(
                resources(spec.plan().streamingMemory, spec.plan().streamingMemoryLimit, 50, 500))
            .withReadinessProbe(http("/api/v1/streaming/health", STREAMING_PORT, 10))
            .withLivenessProbe(http("/api/v1/streaming/health", STREAMING_PORT, 60));
    if (images.streaming() == null) {
      streaming.withImage(images.web()).withCommand("node", "./streaming");
    } else {
      streaming.withImage(images.streaming());
    }
    app.add(deployment(ns, "streaming", labels, streaming.build()));
    app.add(
        deployment(
            ns,
            "sidekiq",
            labels,
            new ContainerBuilder()
                .withName("sidekiq")
                .withImage(images.web())
                .withCommand("bundle", "exec", "sidekiq")
                .withResources(
                    resources(spec.plan().sidekiqMemory, spec.plan().sidekiqMemoryLimit, 250, 1000))
                .build()));
    app.add(service(ns, "web", labels, WEB_PORT));
    app.add(service(ns, "streaming", labels, STREAMING_PORT));
    app.add(
        new IngressBuilder()
            .withMetadata(
                new ObjectMetaBuilder(meta(ns, "web", labels, null))
                    .withAnnotations(
                        sorted(
                            "cert-manager.io/cluster-issuer",
                            properties.clusterIssuer(),
                            "nginx.ingress.kubernetes.io/proxy-body-size",
                            "100m"))
                    .build())
            .withNewSpec()
            .withIngressClassName(properties.ingressClass())
            .addNewTl()
            .withHosts(spec.host())
            .withSecretName("tls")
            .endTl()
            .withRules(
                rule(
                    spec.host(),
                    new String[] {"/api/v1/streaming", "streaming"},
                    new String[] {"/", "web"}))
            .endSpec()
            .build());
    if (spec.webDomain() != null) {
      // LOCAL_DOMAIN answers the discovery of its accounts by sending it to WEB_DOMAIN
      app.add(
          new IngressBuilder()
              .withMetadata(
                  new ObjectMetaBuilder(meta(ns, "local-domain", labels, null))
                      .withAnnotations(
                          sorted(
                              "cert-manager.io/cluster-issuer",
                              properties.clusterIssuer(),
                              "nginx.ingress.kubernetes.io/permanent-redirect",
                              "https://" + spec.webDomain() + "$request_uri"))
                      .build())
              .withNewSpec()
              .withIngressClassName(properties.ingressClass())
              .addNewTl()
              .withHosts(spec.localDomain())
              .withSecretName("tls-local-domain")
              .endTl()
              .withRules(rule(spec.localDomain(), new String[] {"/.well-known", "web"}))
              .endSpec()
              .build());
    }

    List<HasMetadata> after = new ArrayList<>();
    after.add(
        job(
            ns,
            "db-migrate-post" + jobSuffix,
            labels,
            images.web(),
            List.of("bundle", "exec", "rails", "db:migrate"),
            List.of(),
            spec.plan()));
    after.add(
        job(
            ns,
            "feeds-build" + jobSuffix,
            labels,
            images.web(),
            List.of("bin/tootctl", "feeds", "build"),
            List.of(),
            spec.plan()));
    if (spec.elasticsearch()) {
      after.add(
          job(
              ns,
              "search-deploy" + jobSuffix,
              labels,
              images.web(),
              List.of("bin/tootctl", "search", "deploy"),
              List.of(),
              spec.plan()));
    }
    return new Objects(ns, base, migrate, app, after);
  }

  /**
   * The Job that fetches again the cached copies of other servers' media from the last {@code days}
   * days: {@code tootctl media refresh}, forced, since the rows still name files the backup did not
   * have.
   */
  public HasMetadata mediaRefresh(InstanceSpec spec, int days, String name) {
    return job(
        namespace(spec.localDomain()),
        name,
        sorted(MANAGED_BY, "fedimon", INSTANCE_LABEL, spec.id().toString()),
        images(spec).web(),
        List.of(
            "bin/tootctl",
            "media",
            "refresh",
            "--days",
            String.valueOf(days),
            "--force",
            "--concurrency",
            "5"),
        List.of(),
        spec.plan());
  }

  private HasMetadata redis(String ns, Map<String, String> labels) {
    return new StatefulSetBuilder()
        .withMetadata(meta(ns, "redis", labels, "redis"))
        .withNewSpec()
        .withServiceName("redis")
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(sorted(COMPONENT, "redis"))
        .endSelector()
        .withTemplate(
            pod(
                labels,
                "redis",
                new ContainerBuilder()
                    .withName("redis")
                    .withImage(properties.redisImage())
                    .withArgs("--appendonly", "yes", "--save", "")
                    .addNewPort()
                    .withContainerPort(REDIS_PORT)
                    .withName("redis")
                    .endPort()
                    .withResources(resources(64, 256, 50, 500))
                    .addNewVolumeMount()
                    .withName("data")
                    .withMountPath("/data")
                    .endVolumeMount()
                    .withReadinessProbe(
                        new ProbeBuilder()
                            .withNewExec()
                            .withCommand("redis-cli", "ping")
                            .endExec()
                            .withPeriodSeconds(10)
                            .build())
                    .build(),
                null))
        .addNewVolumeClaimTemplate()
        .withNewMetadata()
        .withName("data")
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withNewResources()
        .withRequests(sorted("storage", new Quantity("1Gi")))
        .endResources()
        .endSpec()
        .endVolumeClaimTemplate()
        .endSpec()
        .build();
  }

  private static ObjectMeta meta(
      String ns, String name, Map<String, String> labels, @Nullable String component) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    if (component != null) {
      all.put(COMPONENT, component);
    }
    return new ObjectMetaBuilder().withNamespace(ns).withName(name).withLabels(all).build();
  }

  private static HasMetadata deployment(
      String ns,
      String name,
      Map<String, String> labels,
      io.fabric8.kubernetes.api.model.Container container) {
    return new DeploymentBuilder()
        .withMetadata(meta(ns, name, labels, name))
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(sorted(COMPONENT, name))
        .endSelector()
        .withTemplate(pod(labels, name, withEnvFrom(container), "Always"))
        .endSpec()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.Container withEnvFrom(
      io.fabric8.kubernetes.api.model.Container container) {
    return new ContainerBuilder(container)
        .addNewEnvFrom()
        .withNewSecretRef()
        .withName("env")
        .endSecretRef()
        .endEnvFrom()
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(MASTODON_UID)
        .withAllowPrivilegeEscalation(false)
        .endSecurityContext()
        .build();
  }

  private static PodTemplateSpec pod(
      Map<String, String> labels,
      String component,
      io.fabric8.kubernetes.api.model.Container container,
      @Nullable String restartPolicy) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put(COMPONENT, component);
    PodSpecBuilder spec =
        new PodSpecBuilder().withContainers(container).withAutomountServiceAccountToken(false);
    if (restartPolicy != null) {
      spec.withRestartPolicy(restartPolicy);
    }
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(all)
        .endMetadata()
        .withSpec(spec.build())
        .build();
  }

  private static HasMetadata service(String ns, String name, Map<String, String> labels, int port) {
    return new ServiceBuilder()
        .withMetadata(meta(ns, name, labels, name))
        .withNewSpec()
        .withSelector(sorted(COMPONENT, name))
        .addNewPort()
        .withName(name.equals("redis") ? "redis" : "http")
        .withPort(port)
        .withTargetPort(new IntOrString(port))
        .endPort()
        .endSpec()
        .build();
  }

  private static HasMetadata job(
      String ns,
      String name,
      Map<String, String> labels,
      String image,
      List<String> command,
      List<EnvVar> env,
      Plan plan) {
    return new JobBuilder()
        .withMetadata(meta(ns, name, labels, name))
        .withNewSpec()
        .withBackoffLimit(0)
        .withTtlSecondsAfterFinished(7 * 24 * 3600)
        .withTemplate(
            pod(
                labels,
                name,
                withEnvFrom(
                    new ContainerBuilder()
                        .withName(name)
                        .withImage(image)
                        .withCommand(command)
                        .withEnv(env)
                        .withResources(
                            resources(
                                plan.webMemory, plan.webMemoryLimit, plan.webCpu, plan.webCpuLimit))
                        .build()),
                "Never"))
        .endSpec()
        .build();
  }

  /** A map of keys and values in key order, so that the same instance renders the same bytes. */
  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> sorted(Object... keysAndValues) {
    Map<String, V> map = new java.util.TreeMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
    }
    return map;
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static Probe http(String path, int port, int period) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(port))
        .endHttpGet()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(5)
        .withFailureThreshold(period >= 60 ? 3 : 30)
        .build();
  }

  private static ResourceRequirements resources(
      int memory, int memoryLimit, int cpu, int cpuLimit) {
    return new ResourceRequirementsBuilder()
        .withRequests(sorted("memory", new Quantity(memory + "Mi"), "cpu", new Quantity(cpu + "m")))
        .withLimits(
            sorted("memory", new Quantity(memoryLimit + "Mi"), "cpu", new Quantity(cpuLimit + "m")))
        .build();
  }

  /** A rule of {@code host} sending each path prefix ({path, service}) to its Service. */
  private static IngressRule rule(String host, String[]... paths) {
    IngressRuleBuilder rule = new IngressRuleBuilder().withHost(host);
    var http = rule.withNewHttp();
    for (String[] path : paths) {
      int port = path[1].equals("streaming") ? STREAMING_PORT : WEB_PORT;
      http.addNewPath()
          .withPath(path[0])
          .withPathType("Prefix")
          .withNewBackend()
          .withNewService()
          .withName(path[1])
          .withNewPort()
          .withNumber(port)
          .endPort()
          .endService()
          .endBackend()
          .endPath();
    }
    return http.endHttp().build();
  }
}
