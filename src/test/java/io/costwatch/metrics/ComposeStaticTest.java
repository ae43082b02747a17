package io.costwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.topology.TopicSpec;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Static checks of the compose stack. Parsed with SnakeYAML (on the test classpath through
 * jackson-dataformat-yaml) rather than Jackson, because compose.yaml uses a YAML merge key ({@code <<: *costwatch})
 * for the two Costwatch services and Jackson does not resolve merge keys.
 */
class ComposeStaticTest {

  private static final Path DOCKER = Path.of("docker");
  private static final Set<String> ONE_SHOT = Set.of("kafka-init", "costwatch-demo");

  private static Map<String, Object> compose;
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws IOException {
    compose = yaml(DOCKER.resolve("compose.yaml"));
    services = (Map<String, Map<String, Object>>) compose.get("services");
  }

  @Test
  void theProjectIsNamedAndHasEveryService() {
    assertEquals("costwatch", compose.get("name"));
    assertEquals(Set.of("kafka", "kafka-init", "costwatch", "costwatch-demo", "prometheus", "alertmanager", "grafana"),
        services.keySet());
    assertEquals(List.of("demo"), services.get("costwatch-demo").get("profiles"));
  }

  @Test
  void everyImageIsPinned() {
    services.forEach((name, service) -> {
      String image = (String) service.get("image");
      assertNotNull(image, name + " has no image");
      int colon = image.lastIndexOf(':');
      assertTrue(colon > image.lastIndexOf('/'), name + " image has no tag: " + image);
      String tag = image.substring(colon + 1);
      assertFalse(tag.isBlank() || tag.equals("latest") || tag.contains("${"), name + " image not pinned: " + image);
    });
  }

  @Test
  void everyBindMountExistsAndConfigIsReadOnly() {
    services.forEach((name, service) -> {
      for (Object volume : list(service.get("volumes"))) {
        String[] parts = volume.toString().split(":");
        if (!parts[0].startsWith(".") && !parts[0].startsWith("/")) {
          continue;
        }
        Path host = DOCKER.resolve(parts[0]).normalize();
        assertTrue(Files.exists(host), name + " mounts missing " + host);
        assertTrue(parts.length == 3 && parts[2].equals("ro"), name + " bind mount not read-only: " + volume);
      }
    });
  }

  @Test
  void longRunningServicesHaveHealthChecksAndDependOnHealth() {
    services.forEach((name, service) -> {
      if (!ONE_SHOT.contains(name)) {
        Map<?, ?> health = (Map<?, ?>) service.get("healthcheck");
        assertTrue(health != null && health.get("test") != null, name + " has no healthcheck");
      }
      Object dependsOn = service.get("depends_on");
      if (dependsOn == null) {
        return;
      }
      assertTrue(dependsOn instanceof Map, name + " depends_on must use conditions");
      ((Map<?, ?>) dependsOn).forEach((dependency, spec) -> {
        String condition = String.valueOf(((Map<?, ?>) spec).get("condition"));
        String expected = ONE_SHOT.contains(dependency) ? "service_completed_successfully" : "service_healthy";
        assertEquals(expected, condition, name + " -> " + dependency);
      });
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesTheDashboardsJobOnTheCostwatchHttpPort() throws IOException {
    Map<String, Object> prometheus = yaml(DOCKER.resolve("prometheus.yml"));
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) prometheus.get("scrape_configs");
    Map<String, Object> job = jobs.stream().filter(j -> DashboardLintTest.JOB.equals(j.get("job_name")))
        .findFirst().orElseThrow(() -> new AssertionError("no job " + DashboardLintTest.JOB));
    assertEquals("/metrics", job.get("metrics_path"));
    List<Map<String, Object>> staticConfigs = (List<Map<String, Object>>) job.get("static_configs");
    String target = ((List<String>) staticConfigs.get(0).get("targets")).get(0);
    String[] hostPort = target.split(":");

    Map<String, Object> costwatch = services.get(hostPort[0]);
    assertNotNull(costwatch, "scrape target is not a compose service: " + target);
    Map<String, Object> env = (Map<String, Object>) costwatch.get("environment");
    assertEquals(hostPort[1], env.get("COSTWATCH_HTTP_PORT"));
    assertEquals("kafka:9092", env.get("KAFKA_BOOTSTRAP_SERVERS"));
    assertTrue(list(costwatch.get("ports")).stream().anyMatch(p -> p.toString().endsWith(":" + hostPort[1])),
        "costwatch publishes " + costwatch.get("ports"));
    assertTrue(costwatch.get("healthcheck").toString().contains("/" + hostPort[1]), "health check port");
  }

  @Test
  void alertmanagerAndRulesAreWiredIntoPrometheus() throws IOException {
    String prometheus = Files.readString(DOCKER.resolve("prometheus.yml"));
    assertTrue(prometheus.contains("alertmanager:9093"));
    assertTrue(prometheus.contains("rules/*.yml"));
    assertTrue(Files.exists(DOCKER.resolve("rules/costwatch-rules.yml")));
  }

  @Test
  void kafkaInitCreatesExactlyTheTopicCatalogue() {
    String script = String.join("\n", list(services.get("kafka-init").get("command")).stream()
        .map(Object::toString).toList());
    Matcher create = Pattern.compile("(?m)^\\s*(?:create|compacted)\\s+(\\S+)\\s+(\\d+)(?:\\s+\\d+)?\\s*$").matcher(script);
    Map<String, Integer> created = new TreeMap<>();
    while (create.find()) {
      created.put(create.group(1), Integer.parseInt(create.group(2)));
    }
    Map<String, Integer> catalogue = Topics.all().stream()
        .collect(Collectors.toMap(TopicSpec::name, TopicSpec::partitions, (a, b) -> a, TreeMap::new));
    assertEquals(catalogue, created);
  }

  @Test
  void configComesFromEnvAndOnlyTheExampleIsCommitted() throws IOException {
    String composeText = Files.readString(DOCKER.resolve("compose.yaml"));
    Set<String> used = new TreeSet<>();
    Matcher variable = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(composeText);
    while (variable.find()) {
      used.add(variable.group(1));
    }
    Set<String> documented = new TreeSet<>();
    for (String line : Files.readAllLines(DOCKER.resolve(".env.example"))) {
      if (line.contains("=") && !line.startsWith("#")) {
        documented.add(line.substring(0, line.indexOf('=')).strip());
      }
    }
    assertEquals(used, documented, ".env.example must document every ${VAR} of compose.yaml");
    assertTrue(Files.readAllLines(DOCKER.resolve(".gitignore")).contains(".env"), "docker/.env must be ignored");
  }

  @Test
  void grafanaProvisionsTheDatasourceAndTheDashboardsFolder() throws IOException {
    String datasource = Files.readString(Path.of("grafana/provisioning/datasources/prometheus.yaml"));
    assertTrue(datasource.contains("uid: costwatch-prometheus"));
    assertTrue(datasource.contains("url: http://prometheus:9090"));
    String provider = Files.readString(Path.of("grafana/provisioning/dashboards/costwatch.yaml"));
    assertTrue(provider.contains("path: /var/lib/grafana/dashboards"));
    assertTrue(list(services.get("grafana").get("volumes")).contains(
        "../grafana/dashboards:/var/lib/grafana/dashboards:ro"));
  }

  @Test
  void dockerfileBuildsWithMavenAndRunsTheCliOnTheJre() throws IOException {
    String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
    List<String> from = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(dockerfile);
    while (m.find()) {
      from.add(m.group(1));
    }
    assertEquals(2, from.size(), "multi-stage: " + from);
    assertTrue(from.get(0).startsWith("maven:3.9") && from.get(0).endsWith("-eclipse-temurin-17"), from.get(0));
    assertTrue(from.get(1).startsWith("eclipse-temurin:17") && from.get(1).endsWith("-jre"), from.get(1));
    assertTrue(dockerfile.contains("dependency:copy-dependencies"));
    assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-cp\", \"app/lib/*\", \"io.costwatch.cli.Costwatch\"]"));
  }

  @Test
  void theDockerfileCopiesTheJarTheBuildProduces() throws IOException {
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(finalName.find(), "pom.xml has no finalName");
    String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
    Matcher jar = Pattern.compile("target/([\\w.*-]+\\.jar)").matcher(dockerfile);
    assertTrue(jar.find(), "the Dockerfile copies no jar");
    assertEquals(finalName.group(1) + ".jar", jar.group(1), "the Dockerfile copies a jar the build does not make");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyScrapedServiceListensBeyondLoopbackAndPushesToTheStacksAlertmanager() throws IOException {
    Map<String, Object> prometheus = yaml(DOCKER.resolve("prometheus.yml"));
    for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
      for (Map<String, Object> config : (List<Map<String, Object>>) job.get("static_configs")) {
        for (String target : (List<String>) config.get("targets")) {
          Map<String, Object> service = services.get(target.split(":")[0]);
          if (service == null || target.startsWith("localhost")) {
            continue;
          }
          Map<String, Object> env = (Map<String, Object>) service.get("environment");
          assertEquals("0.0.0.0", env.get("COSTWATCH_HTTP_HOST"), target + " must not listen on loopback only");
        }
      }
    }
    Map<String, Object> env = (Map<String, Object>) services.get("costwatch").get("environment");
    assertEquals("http://alertmanager:9093", env.get("COSTWATCH_ALERTMANAGER_URL"));
    assertTrue(list(services.get("costwatch").get("volumes")).stream()
            .anyMatch(v -> v.toString().endsWith(":" + Path.of(env.get("COSTWATCH_STATE_DIR").toString()).getParent())),
        "the state dir must be on a volume: " + services.get("costwatch").get("volumes"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void kafkaWritesWhereItsVolumeIsMounted() {
    Map<String, Object> kafka = services.get("kafka");
    Object logDirs = ((Map<String, Object>) kafka.get("environment")).get("KAFKA_LOG_DIRS");
    assertNotNull(logDirs, "apache/kafka writes to /tmp/kraft-combined-logs unless KAFKA_LOG_DIRS is set");
    assertTrue(list(kafka.get("volumes")).stream().anyMatch(v -> v.toString().endsWith(":" + logDirs)),
        "no volume at " + logDirs + ": " + kafka.get("volumes"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theDemoProfileFeedsTheStacksKafkaInsteadOfAnEmbeddedBroker() {
    Map<String, Object> demo = services.get("costwatch-demo");
    assertEquals("kafka:9092", ((Map<String, Object>) demo.get("environment")).get("KAFKA_BOOTSTRAP_SERVERS"));
    String script = String.join("\n", list(demo.get("command")).stream().map(Object::toString).toList());
    assertTrue(script.contains("demo --write-inputs"), script);
    assertTrue(script.contains("ingest billing") && script.contains("ingest metrics"), script);
    assertFalse(Pattern.compile("\\b(cw|Costwatch)\\s+demo(?!\\s+--write-inputs)").matcher(script).find(),
        "a `demo` without --write-inputs starts an embedded broker: " + script);
    assertEquals("no", String.valueOf(demo.get("restart")), "a one-shot feeder must not restart in a loop");
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    return yaml.load(Files.readString(file));
  }

  private static List<?> list(Object value) {
    return value == null ? List.of() : (List<?>) value;
  }
}
