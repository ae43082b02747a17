package io.costwatch.alert.delivery;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A loopback HTTP endpoint that records every request and answers with the status its responder picks. */
final class RecordingServer implements AutoCloseable {

  record Received(String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Semaphore arrivals = new Semaphore(0);

  RecordingServer(Function<Received, Integer> responder) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        Received r = new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
            in.readAllBytes());
        received.add(r);
        arrivals.release();
        exchange.sendResponseHeaders(responder.apply(r), -1);
      } finally {
        exchange.close();
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** Waits until {@code n} requests arrived in all or the deadline passes; returns what arrived. */
  List<Received> awaitRequests(int n, Duration within) throws InterruptedException {
    if (arrivals.tryAcquire(n, within.toMillis(), TimeUnit.MILLISECONDS)) {
      arrivals.release(n);
    }
    return received();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
