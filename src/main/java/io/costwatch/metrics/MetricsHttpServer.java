package io.costwatch.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The operator's window into a running instance: {@code GET /metrics} for Prometheus, {@code GET /health} for
 * liveness (a container restarts on 503) and {@code GET /ready} for readiness (traffic and dashboards wait for
 * 200). Built on the JDK's HTTP server so the metrics endpoint adds no dependency.
 */
public final class MetricsHttpServer implements AutoCloseable {

  /** The Prometheus text exposition format served by {@code /metrics}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final String JSON = "application/json";

  /**
   * Whether the instance can serve, the state to report when it cannot, and the configured inputs that are down
   * (name to reason). An instance whose pipeline runs but an input is down is ready and {@code DEGRADED}: taking it
   * out of service would not bring the input back, and the Kafka inputs are still processed.
   */
  public record Readiness(boolean ready, String state, Map<String, String> inputsDown) {

    public Readiness {
      Objects.requireNonNull(state, "state");
      inputsDown = Map.copyOf(inputsDown);
    }

    public Readiness(boolean ready, String state) {
      this(ready, state, Map.of());
    }

    /** This readiness with the inputs that are down added. */
    public Readiness withInputsDown(Map<String, String> down) {
      return new Readiness(ready, state, down);
    }

    /** Ready while Kafka Streams is RUNNING; the state name otherwise (REBALANCING, ERROR, ...). */
    public static Supplier<Readiness> of(KafkaStreams streams) {
      return () -> {
        KafkaStreams.State state = streams.state();
        return new Readiness(state == KafkaStreams.State.RUNNING, state.name());
      };
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier alive;
  private final Supplier<Readiness> readiness;

  /**
   * Binds and starts the server.
   *
   * @param bindAddress host or IP to bind, e.g. {@code 0.0.0.0} in a container or {@code 127.0.0.1} in tests
   * @param port TCP port; 0 picks an ephemeral port (see {@link #port()})
   */
  public MetricsHttpServer(String bindAddress, int port, PrometheusMeterRegistry registry, BooleanSupplier alive,
      Supplier<Readiness> readiness) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.alive = Objects.requireNonNull(alive, "alive");
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    try {
      this.server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind metrics HTTP server to " + bindAddress + ":" + port, e);
    }
    this.executor = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "costwatch-metrics-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Liveness follows Kafka Streams: alive unless it reached ERROR, PENDING_ERROR or NOT_RUNNING. */
  public static BooleanSupplier aliveWhile(KafkaStreams streams) {
    return () -> switch (streams.state()) {
      case ERROR, PENDING_ERROR, NOT_RUNNING -> false;
      default -> true;
    };
  }

  /**
   * Serves {@code path} and everything under it with {@code handler} (e.g. {@link AlertsEndpoint} on
   * {@code /alerts}); the handler answers every method and error itself.
   */
  public MetricsHttpServer route(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
    return this;
  }

  /** The bound port (the ephemeral one when constructed with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/metrics" -> send(exchange, 200, CONTENT_TYPE, scrape());
        case "/health" -> health(exchange);
        case "/ready" -> ready(exchange);
        default -> send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      }
    } catch (RuntimeException e) {
      exchange.sendResponseHeaders(500, -1);
    }
  }

  private byte[] scrape() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    registry.scrape(body, CONTENT_TYPE);
    return body.toByteArray();
  }

  private void health(HttpExchange exchange) throws IOException {
    boolean up = alive.getAsBoolean();
    send(exchange, up ? 200 : 503, JSON, up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
  }

  private void ready(HttpExchange exchange) throws IOException {
    Readiness current = readiness.get();
    String status = !current.ready() ? "NOT_READY" : current.inputsDown().isEmpty() ? "READY" : "DEGRADED";
    StringBuilder body = new StringBuilder("{\"status\":\"" + status + "\",\"state\":\"" + json(current.state())
        + "\"");
    if (!current.inputsDown().isEmpty()) {
      StringBuilder down = new StringBuilder();
      new TreeMap<>(current.inputsDown()).forEach((input, reason) -> down.append(down.length() == 0 ? "" : ",")
          .append('"').append(json(input)).append("\":\"").append(json(reason)).append('"'));
      body.append(",\"inputsDown\":{").append(down).append('}');
    }
    send(exchange, current.ready() ? 200 : 503, JSON, body.append('}').toString());
  }

  private static String json(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
