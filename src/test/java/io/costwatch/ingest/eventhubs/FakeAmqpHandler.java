package io.costwatch.ingest.eventhubs;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

/**
 * The AMQP side of {@link FakeEventHubsServer}: link attach rules, the {@code $cbs} and {@code $management}
 * request/response nodes, event ingestion and event delivery. Runs only on the reactor thread, so its state needs no
 * locks.
 */
final class FakeAmqpHandler extends BaseHandler {

  private static final int BATCH_FORMAT = 0x80013700;
  private static final Symbol SELECTOR = Symbol.valueOf("apache.org:selector-filter:string");
  private static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");
  private static final Symbol RUNTIME_METRIC = Symbol.valueOf("com.microsoft:enable-receiver-runtime-metric");
  private static final Pattern PARTITION_SOURCE =
      Pattern.compile("([^/]+)/ConsumerGroups/([^/]+)/Partitions/([^/]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern PARTITION_TARGET = Pattern.compile("([^/]+)/Partitions/([^/]+)",
      Pattern.CASE_INSENSITIVE);

  /** A link the client sends requests on ($cbs, $management). */
  private record RequestNode(String node) {
  }

  /** A link the client receives replies on; replies wait here for credit. */
  private static final class ReplyLink {
    final Deque<byte[]> pending = new ArrayDeque<>();
    long tags;
  }

  /** A link the client sends events on; {@code partition} is null when the target is the hub itself. */
  private record Inbound(FakeHub hub, String partition) {
  }

  /** A link the client receives one partition's events on. */
  private static final class Outbound {
    final FakeHub hub;
    final String consumerGroup;
    final String partition;
    final Long epoch;
    final boolean runtimeMetric;
    int next;
    long tags;

    Outbound(FakeHub hub, String consumerGroup, String partition, Long epoch, boolean runtimeMetric, int next) {
      this.hub = hub;
      this.consumerGroup = consumerGroup;
      this.partition = partition;
      this.epoch = epoch;
      this.runtimeMetric = runtimeMetric;
      this.next = next;
    }
  }

  private final FakeEventHubsServer server;
  private final List<Sender> outbound = new ArrayList<>();

  FakeAmqpHandler(FakeEventHubsServer server) {
    this.server = server;
  }

  @Override
  public void onConnectionRemoteOpen(Event event) {
    Connection connection = event.getConnection();
    server.trace("connection open hostname=" + connection.getRemoteHostname());
    connection.setContainer("fake-eventhubs");
    connection.open();
  }

  @Override
  public void onConnectionRemoteClose(Event event) {
    event.getConnection().close();
  }

  @Override
  public void onTransportClosed(Event event) {
    Connection connection = event.getConnection();
    outbound.removeIf(s -> connection == null || s.getSession().getConnection() == connection);
  }

  @Override
  public void onSessionRemoteOpen(Event event) {
    event.getSession().open();
  }

  @Override
  public void onSessionRemoteClose(Event event) {
    event.getSession().close();
  }

  @Override
  public void onLinkRemoteClose(Event event) {
    outbound.remove(event.getLink());
    event.getLink().close();
  }

  @Override
  public void onLinkRemoteDetach(Event event) {
    outbound.remove(event.getLink());
    event.getLink().detach();
  }

  @Override
  public void onLinkRemoteOpen(Event event) {
    Link link = event.getLink();
    if (link.getLocalState() != EndpointState.UNINITIALIZED) {
      return;
    }
    try {
      if (link instanceof Receiver receiver) {
        attachClientSender(receiver);
      } else {
        attachClientReceiver((Sender) link);
      }
    } catch (RuntimeException e) {
      fail(event.getConnection(), e);
    }
  }

  @Override
  public void onLinkFlow(Event event) {
    if (event.getLink() instanceof Sender sender) {
      pump(sender);
    }
  }

  @Override
  public void onDelivery(Event event) {
    try {
      delivery(event.getDelivery());
    } catch (RuntimeException e) {
      fail(event.getConnection(), e);
    }
  }

  /** A bug in the fake closes the connection with the error instead of leaving it half-processed. */
  private void fail(Connection connection, RuntimeException e) {
    server.trace("fake error, closing connection: " + e);
    connection.setCondition(new ErrorCondition(Symbol.valueOf("amqp:internal-error"), e.toString()));
    connection.close();
  }

  private void delivery(Delivery delivery) {
    if (delivery.getLink() instanceof Sender) {
      if (delivery.remotelySettled()) {
        delivery.settle();
      }
      return;
    }
    if (!delivery.isReadable() || delivery.isPartial()) {
      return;
    }
    Receiver receiver = (Receiver) delivery.getLink();
    byte[] bytes = new byte[delivery.pending()];
    int length = receiver.recv(bytes, 0, bytes.length);
    Object state = receiver.getContext();
    if (state instanceof RequestNode node) {
      onRequest(receiver.getSession(), node, FakeHub.decode(bytes, 0, length));
    } else if (state instanceof Inbound in) {
      ingest(in, delivery.getMessageFormat(), bytes, length);
    }
    delivery.disposition(Accepted.getInstance());
    delivery.settle(); // settling the current delivery also advances the link: no extra advance()
    receiver.flow(1);
  }

  private void attachClientSender(Receiver receiver) {
    Target target = (Target) receiver.getRemoteTarget();
    String address = target == null ? null : target.getAddress();
    server.trace("attach sender-link target=" + address);
    if ("$cbs".equals(address) || "$management".equals(address)) {
      receiver.setContext(new RequestNode(address));
      accept(receiver);
      receiver.flow(10);
      return;
    }
    Matcher m = address == null ? null : PARTITION_TARGET.matcher(address);
    String hubName = m != null && m.matches() ? m.group(1) : address;
    String partition = m != null && m.matches() ? m.group(2) : null;
    FakeHub hub = server.findHub(hubName);
    if (hub == null || partition != null && !hub.hasPartition(partition)) {
      refuse(receiver, "amqp:not-found", "The messaging entity '" + address + "' could not be found.");
      return;
    }
    receiver.setContext(new Inbound(hub, partition));
    receiver.setMaxMessageSize(UnsignedLong.valueOf(1024 * 1024));
    accept(receiver);
    receiver.flow(100);
  }

  private void attachClientReceiver(Sender sender) {
    Source source = (Source) sender.getRemoteSource();
    Target target = (Target) sender.getRemoteTarget();
    String address = source == null ? null : source.getAddress();
    server.trace("attach receiver-link source=" + address + " props=" + sender.getRemoteProperties()
        + " filter=" + (source == null ? null : source.getFilter()));
    if ("$cbs".equals(address) || "$management".equals(address)) {
      replyLinks(sender.getSession()).put(target == null ? null : target.getAddress(), sender);
      sender.setContext(new ReplyLink());
      accept(sender);
      return;
    }
    Matcher m = address == null ? null : PARTITION_SOURCE.matcher(address);
    FakeHub hub = m != null && m.matches() ? server.findHub(m.group(1)) : null;
    if (hub == null || !hub.hasPartition(m.group(3))) {
      refuse(sender, "amqp:not-found", "The messaging entity '" + address + "' could not be found.");
      return;
    }
    String partition = m.group(3);
    int start;
    try {
      start = hub.startIndex(partition, selector(source));
    } catch (RuntimeException e) {
      refuse(sender, "amqp:invalid-field", e.getMessage());
      return;
    }
    Map<Symbol, Object> props = sender.getRemoteProperties();
    Long epoch = props == null ? null : (Long) props.get(EPOCH);
    boolean metric = sender.getRemoteDesiredCapabilities() != null
        && Arrays.asList(sender.getRemoteDesiredCapabilities()).contains(RUNTIME_METRIC);
    Outbound state = new Outbound(hub, m.group(2).toLowerCase(java.util.Locale.ROOT), partition, epoch, metric,
        start);
    if (!resolveEpochs(sender, state)) {
      return;
    }
    sender.setContext(state);
    accept(sender);
    outbound.add(sender);
    pump(sender);
  }

  /** Higher or equal owner level steals the partition from older epoch receivers; a lower one is refused. */
  private boolean resolveEpochs(Sender candidate, Outbound wanted) {
    if (wanted.epoch == null) {
      return true;
    }
    for (Iterator<Sender> it = outbound.iterator(); it.hasNext();) {
      Sender existing = it.next();
      Outbound other = (Outbound) existing.getContext();
      if (other.epoch == null || other.hub != wanted.hub || !other.partition.equals(wanted.partition)
          || !other.consumerGroup.equals(wanted.consumerGroup)) {
        continue;
      }
      if (other.epoch > wanted.epoch) {
        refuse(candidate, "amqp:link:stolen", "Receiver with a higher epoch of '" + other.epoch
            + "' already exists.");
        return false;
      }
      it.remove();
      existing.setCondition(new ErrorCondition(Symbol.valueOf("amqp:link:stolen"), "New receiver with higher epoch "
          + "of '" + wanted.epoch + "' is created hence current receiver with epoch '" + other.epoch
          + "' is getting disconnected."));
      existing.close();
    }
    return true;
  }

  private static String selector(Source source) {
    Map<Symbol, Object> filter = source.getFilter();
    Object value = filter == null ? null : filter.get(SELECTOR);
    if (value instanceof DescribedType described) {
      value = described.getDescribed();
    }
    return value == null ? null : value.toString();
  }

  private static void accept(Link link) {
    link.setSource(link.getRemoteSource());
    link.setTarget(link.getRemoteTarget());
    link.setSenderSettleMode(link.getRemoteSenderSettleMode());
    link.setReceiverSettleMode(link.getRemoteReceiverSettleMode());
    link.open();
  }

  private void refuse(Link link, String condition, String description) {
    server.trace("refuse " + condition + ": " + description);
    if (link instanceof Sender) {
      link.setSource(null);
      link.setTarget(link.getRemoteTarget());
    } else {
      link.setSource(link.getRemoteSource());
      link.setTarget(null);
    }
    link.open();
    link.setCondition(new ErrorCondition(Symbol.valueOf(condition), description));
    link.close();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Sender> replyLinks(Session session) {
    if (session.getContext() == null) {
      session.setContext(new HashMap<String, Sender>());
    }
    return (Map<String, Sender>) session.getContext();
  }

  private void onRequest(Session session, RequestNode node, Message request) {
    Map<String, Object> props = request.getApplicationProperties() == null ? Map.of()
        : request.getApplicationProperties().getValue();
    server.trace(node.node() + " " + props.get("operation") + " type=" + props.get("type") + " name="
        + props.get("name") + " partition=" + props.get("partition"));
    Reply reply = node.node().equals("$cbs") ? new Reply(202, "Accepted", null) : management(props);
    Message response = Message.Factory.create();
    Properties properties = new Properties();
    properties.setCorrelationId(request.getMessageId());
    response.setProperties(properties);
    Map<String, Object> status = new HashMap<>();
    status.put("status-code", reply.status()); // an int: the SDK casts it
    status.put("status-description", reply.description());
    response.setApplicationProperties(new ApplicationProperties(status));
    if (reply.body() != null) {
      response.setBody(new AmqpValue(reply.body()));
    }
    Sender link = replyLinks(session).get(request.getReplyTo());
    if (link == null) {
      server.trace("no reply link for " + request.getReplyTo());
      return;
    }
    ((ReplyLink) link.getContext()).pending.add(FakeHub.encode(response));
    pump(link);
  }

  private record Reply(int status, String description, Map<String, Object> body) {
  }

  private Reply management(Map<String, Object> props) {
    if (!"READ".equals(props.get("operation"))) {
      return new Reply(400, "unsupported operation " + props.get("operation"), null);
    }
    String name = String.valueOf(props.get("name"));
    FakeHub hub = server.findHub(name);
    if (hub == null) {
      return new Reply(404, "The messaging entity '" + name + "' could not be found.", null);
    }
    if ("com.microsoft:eventhub".equals(props.get("type"))) {
      return new Reply(200, "OK", hub.hubProperties());
    }
    String partition = String.valueOf(props.get("partition"));
    if ("com.microsoft:partition".equals(props.get("type")) && hub.hasPartition(partition)) {
      return new Reply(200, "OK", hub.partitionProperties(partition));
    }
    return new Reply(404, "The messaging entity '" + name + "/Partitions/" + partition + "' could not be found.",
        null);
  }

  /** Stores a single event, or each event of an SDK batch (format 0x80013700: an envelope then Data sections). */
  private void ingest(Inbound in, int format, byte[] bytes, int length) {
    List<Message> events = new ArrayList<>();
    String partitionKey;
    if (format == BATCH_FORMAT) {
      DecoderImpl decoder = new DecoderImpl();
      AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
      ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
      decoder.setByteBuffer(buffer);
      MessageAnnotations envelope = null;
      while (buffer.hasRemaining()) {
        Object section = decoder.readObject();
        if (section instanceof MessageAnnotations annotations) {
          envelope = annotations;
        } else if (section instanceof Data data) {
          Binary binary = data.getValue();
          events.add(FakeHub.decode(binary.getArray(), binary.getArrayOffset(), binary.getLength()));
        }
      }
      partitionKey = partitionKey(envelope);
    } else {
      Message message = FakeHub.decode(bytes, 0, length);
      events.add(message);
      partitionKey = partitionKey(message.getMessageAnnotations());
    }
    String partition = in.partition() != null ? in.partition() : in.hub().partitionFor(partitionKey);
    for (Message event : events) {
      in.hub().append(partition, event, partitionKey);
    }
    server.trace("stored " + events.size() + " event(s) in " + in.hub().name() + "/" + partition);
    for (Sender sender : List.copyOf(outbound)) {
      Outbound state = (Outbound) sender.getContext();
      if (state.hub == in.hub() && state.partition.equals(partition)) {
        pump(sender);
      }
    }
  }

  private static String partitionKey(MessageAnnotations annotations) {
    Object key = annotations == null ? null : annotations.getValue().get(FakeHub.PARTITION_KEY);
    return key == null ? null : key.toString();
  }

  /** Sends what the link has credit for: queued replies, or the partition's next events. */
  private void pump(Sender sender) {
    if (sender.getLocalState() != EndpointState.ACTIVE) {
      return;
    }
    Object context = sender.getContext();
    if (context instanceof ReplyLink reply) {
      while (sender.getCredit() > 0 && !reply.pending.isEmpty()) {
        send(sender, reply.tags++, reply.pending.poll()).settle();
      }
    } else if (context instanceof Outbound state) {
      List<FakeHub.StoredEvent> log = state.hub.events(state.partition);
      while (sender.getCredit() > 0 && state.next < log.size()) {
        FakeHub.StoredEvent event = log.get(state.next++);
        send(sender, state.tags++, state.runtimeMetric ? withRuntimeInfo(event, log) : event.encoded());
      }
    }
  }

  private static Delivery send(Sender sender, long tag, byte[] bytes) {
    Delivery delivery = sender.delivery(ByteBuffer.allocate(8).putLong(tag).array());
    sender.send(bytes, 0, bytes.length);
    sender.advance();
    return delivery;
  }

  private static byte[] withRuntimeInfo(FakeHub.StoredEvent event, List<FakeHub.StoredEvent> log) {
    FakeHub.StoredEvent last = log.get(log.size() - 1);
    Message copy = FakeHub.decode(event.encoded(), 0, event.encoded().length);
    Map<Symbol, Object> info = new HashMap<>();
    info.put(Symbol.valueOf("last_enqueued_sequence_number"), last.sequenceNumber());
    info.put(Symbol.valueOf("last_enqueued_offset"), last.offset());
    info.put(Symbol.valueOf("last_enqueued_time_utc"), last.enqueuedTime());
    info.put(Symbol.valueOf("runtime_info_retrieval_time_utc"), new Date());
    copy.setDeliveryAnnotations(new DeliveryAnnotations(info));
    return FakeHub.encode(copy);
  }
}
