package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.testing.CostwatchProcess;
import io.costwatch.testing.Poll;
import io.costwatch.testing.Secrets;
import io.costwatch.testing.TestCertificates;
import io.costwatch.topology.Topics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster as users secure theirs: {@code SASL_SSL} with SCRAM-SHA-512 and a certificate the client trusts through
 * a trust store. {@code costwatch ingest} and {@code costwatch run} (with webhook delivery) reach it through
 * {@code KAFKA_*} variables only and work; no secret they were given (the SASL password, an Event Hubs and a Blob
 * connection string's key, the webhook's HMAC secret) shows in their stdout, stderr, {@code /metrics}, a dead letter
 * or a webhook body.
 */
class SecuredKafkaIT {

  @TempDir
  Path dir;

  @Test
  void ingestAndRunOverSaslSslLeakNoSecret() throws Exception {
    TestCertificates tls = TestCertificates.create(dir);
    String user = "costwatch";
    String saslPassword = Secrets.random("sasl-");
    String eventHubsKey = Secrets.random("ehkey");
    String blobKey = Secrets.random("blobkey");
    String webhookSecret = Secrets.random("hook-");
    Map<String, String> secrets = Map.of("SASL password", saslPassword, "Event Hubs key", eventHubsKey,
        "Blob account key", blobKey, "webhook secret", webhookSecret, "trust store password",
        tls.trustStorePassword());

    List<String> webhookBodies = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      webhookBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    EmbeddedKafka.SaslSsl listener = new EmbeddedKafka.SaslSsl(tls.keyStore(), tls.keyStorePassword(), user,
        saslPassword, 0);
    List<CostwatchProcess> processes = new ArrayList<>();
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), 0, true,
        EmbeddedKafka.Options.DEFAULT.withSaslSsl(listener))) {
      // set-up and read-back go through the PLAINTEXT listener; everything Costwatch does goes through SASL_SSL
      LiveFeed.createTopics(broker.bootstrapServers());
      Map<String, String> kafka = new LinkedHashMap<>(Map.of(
          "KAFKA_BOOTSTRAP_SERVERS", broker.securedBootstrapServers(),
          "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
          "KAFKA_SASL_MECHANISM", EmbeddedKafka.SaslSsl.MECHANISM,
          "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
              + "username=\"" + user + "\" password=\"" + saslPassword + "\";",
          "KAFKA_SSL_TRUSTSTORE_LOCATION", tls.trustStore().toString(),
          "KAFKA_SSL_TRUSTSTORE_PASSWORD", tls.trustStorePassword(),
          "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12"));
      kafka.put("COSTWATCH_CHECKPOINT_BLOB_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountName="
          + "costwatchtest;AccountKey=" + blobKey + ";EndpointSuffix=core.windows.net");

      Map<String, String> runEnv = new HashMap<>(kafka);
      runEnv.putAll(Map.of(
          "COSTWATCH_APPLICATION_ID", "costwatch-secured",
          "COSTWATCH_STATE_DIR", dir.resolve("state").toString(),
          "COSTWATCH_HTTP_PORT", "0",
          "COSTWATCH_COMPUTE_SKUS", LiveFeed.COMPUTE_SKUS,
          "COSTWATCH_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
          "COSTWATCH_WEBHOOK_SECRET", webhookSecret));
      CostwatchProcess run = CostwatchProcess.start(dir.resolve("logs"), "run", runEnv, "run");
      processes.add(run);
      run.awaitLog("costwatch run: RUNNING on " + broker.securedBootstrapServers(), Duration.ofMinutes(3));

      Path inputs = dir.resolve("in");
      assertEquals(0, Costwatch.execute("demo", "--write-inputs", inputs.toString()));
      // ingest does not read Event Hubs, but users keep the bridge's settings in the same environment
      Map<String, String> ingestEnv = new HashMap<>(kafka);
      ingestEnv.put("COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING", "Endpoint=sb://costwatch-test.servicebus"
          + ".windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + eventHubsKey + ";EntityPath=metrics");
      CostwatchProcess billing = CostwatchProcess.start(dir.resolve("logs"), "ingest-billing", ingestEnv,
          "ingest", "billing", inputs.resolve("billing").toString());
      processes.add(billing);
      assertEquals(0, billing.awaitExit(Duration.ofMinutes(3)), billing::tail);
      CostwatchProcess metrics = CostwatchProcess.start(dir.resolve("logs"), "ingest-metrics", ingestEnv,
          "ingest", "metrics", inputs.resolve("metrics.jsonl").toString());
      processes.add(metrics);
      assertEquals(0, metrics.awaitExit(Duration.ofMinutes(3)), metrics::tail);
      assertTrue(metrics.stdout().contains("event bodies published"), metrics::stdout);

      try (LiveFeed feed = new LiveFeed(broker.bootstrapServers())) {
        feed.finish();
        feed.awaitEndOfInput(Duration.ofMinutes(4), () -> assertTrue(run.isAlive(), run::tail));
        assertFalse(feed.committedAlerts().isEmpty(), "run over SASL_SSL published alerts");
        Poll.await(Duration.ofMinutes(2), () -> !webhookBodies.isEmpty(), () -> "a webhook delivery");

        Map<String, String> outputs = new LinkedHashMap<>();
        for (CostwatchProcess p : processes) {
          outputs.put("stdout of " + p, p.stdout());
          outputs.put("stderr of " + p, p.stderr());
        }
        outputs.put("/metrics", scrape(run));
        List<ConsumerRecord<String, String>> dead = feed.committed(Topics.DEAD_LETTERS.name());
        assertFalse(dead.isEmpty(), "the demo's bad inputs are dead letters");
        outputs.put("dead letters", dead.stream().map(SecuredKafkaIT::withHeaders).toList().toString());
        outputs.put("webhook bodies", String.join("\n", webhookBodies));
        for (var secret : secrets.entrySet()) {
          for (var output : outputs.entrySet()) {
            assertFalse(output.getValue().contains(secret.getValue()),
                () -> "the " + secret.getKey() + " appears in " + output.getKey() + ":\n" + excerpt(output.getValue(),
                    secret.getValue()));
          }
        }
      }
    } finally {
      processes.forEach(CostwatchProcess::close);
      receiver.stop(0);
    }
  }

  private static String scrape(CostwatchProcess run) throws Exception {
    Matcher port = Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(run.stderr());
    assertTrue(port.find(), run::tail);
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port.group(1) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  private static String withHeaders(ConsumerRecord<String, String> record) {
    StringBuilder text = new StringBuilder(record.key() + " " + record.value());
    for (Header h : record.headers()) {
      text.append(' ').append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8));
    }
    return text.toString();
  }

  private static String excerpt(String text, String secret) {
    int at = text.indexOf(secret);
    return text.substring(Math.max(0, at - 300), Math.min(text.length(), at + secret.length() + 100));
  }
}
