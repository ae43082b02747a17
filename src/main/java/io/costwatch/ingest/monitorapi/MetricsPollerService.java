package io.costwatch.ingest.monitorapi;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.DefaultAzureCredentialBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

/** Runs a {@link MetricsPoller} on its own thread every poll interval (at once while it is catching up). */
public final class MetricsPollerService implements AutoCloseable {

  /** One poller per Kafka cluster: a second one with this id fences the first. */
  public static final String TRANSACTIONAL_ID = "costwatch-metrics-poller";

  private final MetricsPoller poller;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private final Consumer<String> log;

  private MetricsPollerService(MetricsPoller poller, Duration interval, Consumer<String> log) {
    this.poller = poller;
    this.log = log;
    this.thread = new Thread(() -> loop(interval), "costwatch-metrics-poller");
    thread.setDaemon(true);
  }

  /** The poller against Azure: the default HTTP client and {@code DefaultAzureCredential}. */
  public static MetricsPoller azurePoller(MetricsApiConfig config, Map<String, Object> kafkaClientConfig,
      Consumer<String> log) {
    return poller(config, HttpClient.createDefault(), new DefaultAzureCredentialBuilder().build(), Duration.ofSeconds(2),
        kafkaClientConfig, TRANSACTIONAL_ID, log, Clock.systemUTC());
  }

  /** A poller on any azure-core HTTP client and credential (tests use a local HTTPS server and a fixed token). */
  public static MetricsPoller poller(MetricsApiConfig config, HttpClient client, TokenCredential credential,
      Duration retryBaseDelay, Map<String, Object> kafkaClientConfig, String transactionalId, Consumer<String> log,
      Clock clock) {
    MetricsBatchClient batch = new MetricsBatchClient(
        AzureHttp.create(client, credential, AzureHttp.METRICS_SCOPE, 5, retryBaseDelay), config.metricsEndpoint(),
        config.top());
    ArmDiscovery discovery = config.workspaces().isEmpty() ? null : new ArmDiscovery(
        AzureHttp.create(client, credential, AzureHttp.ARM_SCOPE, 5, retryBaseDelay), config.armEndpoint());
    return new MetricsPoller(config, batch, discovery, kafkaClientConfig, transactionalId, log, clock);
  }

  /** Starts polling on a daemon thread. */
  public static MetricsPollerService start(MetricsPoller poller, Duration interval, Consumer<String> log) {
    MetricsPollerService service = new MetricsPollerService(poller, interval, log);
    service.thread.start();
    return service;
  }

  public PollerCounters counters() {
    return poller.counters();
  }

  private void loop(Duration interval) {
    try {
      while (stop.getCount() > 0) {
        boolean behind = false;
        try {
          behind = poller.pollOnce().behind();
        } catch (RuntimeException e) {
          if (fenced(e)) {
            log.accept("metrics poller: stopped, another poller with transactional.id " + TRANSACTIONAL_ID
                + " took over: " + e.getMessage());
            return;
          }
          log.accept("metrics poller: poll failed, retrying in " + interval + ": " + e);
        }
        if (!behind && stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether a poll failed because another producer with the same transactional id fenced this one. */
  static boolean fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    poller.close();
  }
}
