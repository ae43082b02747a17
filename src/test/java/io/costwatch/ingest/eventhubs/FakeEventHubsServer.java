package io.costwatch.ingest.eventhubs;

import io.costwatch.ingest.eventhubs.FakeHub.StoredEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.reactor.Acceptor;
import org.apache.qpid.proton.reactor.Reactor;
import org.apache.qpid.proton.reactor.ReactorOptions;
import org.apache.qpid.proton.reactor.impl.AcceptorImpl;

/**
 * An in-process stand-in for an Event Hubs namespace, speaking AMQP 1.0 on a loopback port so the real
 * {@code azure-messaging-eventhubs} clients can be tested end to end. Clients connect with {@link #connectionString}
 * ({@code UseDevelopmentEmulator=true}: no TLS, SASL ANONYMOUS, CBS tokens accepted unchecked).
 *
 * <p>It implements what the SDK needs and no more: CBS put-token, {@code $management} READ of hubs and partitions,
 * sends (single and batched), receives with offset / sequence-number / enqueued-time filters, owner-level stealing
 * and "entity not found". It does not model retention, throttling, token expiry, real byte offsets or TLS.
 * All protocol work happens on one daemon thread running a proton-j reactor.
 */
public final class FakeEventHubsServer implements AutoCloseable {

  private final Map<String, FakeHub> hubs = new ConcurrentHashMap<>();
  private final List<String> trace = new CopyOnWriteArrayList<>();
  private final Reactor reactor;
  private final Acceptor acceptor;
  private final Thread thread;
  private final int port;
  private volatile boolean running = true;

  private FakeEventHubsServer(Map<String, Integer> partitionsByHub, int listenPort) throws IOException {
    partitionsByHub.forEach((name, count) -> hubs.put(name.toLowerCase(Locale.ROOT), new FakeHub(name, count)));
    ReactorOptions options = new ReactorOptions();
    options.setEnableSaslByDefault(true);
    reactor = Proton.reactor(options);
    reactor.setTimeout(200);
    acceptor = reactor.acceptor("127.0.0.1", listenPort, new FakeAmqpHandler(this));
    port = ((AcceptorImpl) acceptor).getPortNumber();
    thread = new Thread(this::run, "fake-eventhubs-" + port);
    thread.setDaemon(true);
  }

  /** Starts a namespace with the given hubs (name to partition count). */
  public static FakeEventHubsServer start(Map<String, Integer> partitionsByHub) {
    return start(partitionsByHub, 0);
  }

  /** Starts a namespace on {@code listenPort} (0: a free one), e.g. a port a client was given before it existed. */
  public static FakeEventHubsServer start(Map<String, Integer> partitionsByHub, int listenPort) {
    try {
      FakeEventHubsServer server = new FakeEventHubsServer(new LinkedHashMap<>(partitionsByHub), listenPort);
      server.thread.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("fake Event Hubs server failed to start", e);
    }
  }

  public int port() {
    return port;
  }

  /** A connection string for {@code hub} (which need not exist, to test "entity not found"). */
  public String connectionString(String hub) {
    return connectionString(port, hub);
  }

  /** The connection string of a namespace on {@code port}, which need not be listening yet. */
  public static String connectionString(int port, String hub) {
    return "Endpoint=sb://127.0.0.1:" + port + ";SharedAccessKeyName=RootManageSharedAccessKey;"
        + "SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=" + hub;
  }

  /** A snapshot of what one partition holds. */
  public List<StoredEvent> events(String hub, String partition) {
    return List.copyOf(hub(hub).events(partition));
  }

  /** Every event of the hub, all partitions. */
  public int eventCount(String hub) {
    FakeHub h = hub(hub);
    int count = 0;
    for (String id : h.partitionIds()) {
      count += h.events(id).size();
    }
    return count;
  }

  /** The protocol log, for diagnosing a failing test. */
  public List<String> trace() {
    return List.copyOf(trace);
  }

  FakeHub findHub(String name) {
    return name == null ? null : hubs.get(name.toLowerCase(Locale.ROOT));
  }

  void trace(String line) {
    if (trace.size() < 10_000) {
      trace.add(line);
    }
  }

  private FakeHub hub(String name) {
    FakeHub hub = findHub(name);
    if (hub == null) {
      throw new IllegalArgumentException("no hub " + name);
    }
    return hub;
  }

  private void run() {
    reactor.start();
    while (running) {
      try {
        reactor.process();
      } catch (RuntimeException e) {
        // a handler bug must not kill the server thread silently; the trace shows it
        trace("handler error: " + e);
      }
    }
    acceptor.close();
    try {
      reactor.stop();
    } catch (RuntimeException e) {
      trace("stop error: " + e);
    }
  }

  @Override
  public void close() {
    running = false;
    reactor.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
