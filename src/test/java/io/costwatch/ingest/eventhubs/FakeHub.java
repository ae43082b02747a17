package io.costwatch.ingest.eventhubs;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

/**
 * The retained log of one fake event hub: partitions of stored events, each stamped like the service does. Offsets
 * are {@code sequenceNumber * 1000} so that code confusing offsets with sequence numbers fails in tests.
 */
final class FakeHub {

  static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
  static final Symbol OFFSET = Symbol.valueOf("x-opt-offset");
  static final Symbol ENQUEUED_TIME = Symbol.valueOf("x-opt-enqueued-time");
  static final Symbol PARTITION_KEY = Symbol.valueOf("x-opt-partition-key");

  private static final Pattern FILTER = Pattern.compile(
      "amqp\\.annotation\\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\\s*(>=|>)\\s*'([^']*)'");

  /** One stored event; {@code encoded} is the full AMQP message with the service's annotations. */
  record StoredEvent(String partition, long sequenceNumber, String offset, Date enqueuedTime, Message message,
      byte[] encoded) {
  }

  private final String name;
  private final Date createdAt = new Date();
  private final List<List<StoredEvent>> partitions = new ArrayList<>();
  private int roundRobin;

  FakeHub(String name, int partitionCount) {
    this.name = name;
    for (int i = 0; i < partitionCount; i++) {
      partitions.add(new CopyOnWriteArrayList<>());
    }
  }

  String name() {
    return name;
  }

  String[] partitionIds() {
    String[] ids = new String[partitions.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = Integer.toString(i);
    }
    return ids;
  }

  boolean hasPartition(String id) {
    try {
      int index = Integer.parseInt(id);
      return index >= 0 && index < partitions.size();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  List<StoredEvent> events(String partition) {
    return partitions.get(Integer.parseInt(partition));
  }

  /**
   * Chooses the partition for a send to the hub itself: by partition key if there is one, else round robin per
   * delivery, so a whole batch lands in one partition as on the service.
   */
  String partitionFor(String partitionKey) {
    if (partitionKey != null) {
      return Integer.toString(Math.floorMod(partitionKey.hashCode(), partitions.size()));
    }
    return Integer.toString(roundRobin++ % partitions.size());
  }

  /** Stamps and stores one event; the caller's message is modified. */
  synchronized StoredEvent append(String partition, Message message, String partitionKey) {
    List<StoredEvent> log = events(partition);
    long sequence = log.size();
    String offset = Long.toString(sequence * 1000);
    Date enqueued = new Date();
    Map<Symbol, Object> annotations = message.getMessageAnnotations() == null ? new HashMap<>()
        : new HashMap<>(message.getMessageAnnotations().getValue());
    annotations.put(SEQUENCE_NUMBER, sequence);
    annotations.put(OFFSET, offset);
    annotations.put(ENQUEUED_TIME, enqueued);
    if (partitionKey != null) {
      annotations.put(PARTITION_KEY, partitionKey);
    }
    message.setMessageAnnotations(new MessageAnnotations(annotations));
    StoredEvent event = new StoredEvent(partition, sequence, offset, enqueued, message, encode(message));
    log.add(event);
    return event;
  }

  /** The management READ answer for {@code com.microsoft:partition}, with the exact types the SDK checks. */
  Map<String, Object> partitionProperties(String partition) {
    List<StoredEvent> log = events(partition);
    StoredEvent last = log.isEmpty() ? null : log.get(log.size() - 1);
    Map<String, Object> body = new HashMap<>();
    body.put("name", name);
    body.put("partition", partition);
    body.put("begin_sequence_number", log.isEmpty() ? 0L : log.get(0).sequenceNumber());
    body.put("last_enqueued_sequence_number", last == null ? -1L : last.sequenceNumber());
    body.put("last_enqueued_offset", last == null ? "-1" : last.offset());
    body.put("last_enqueued_time_utc", last == null ? new Date(0) : last.enqueuedTime());
    body.put("is_partition_empty", log.isEmpty());
    return body;
  }

  Map<String, Object> hubProperties() {
    Map<String, Object> body = new HashMap<>();
    body.put("name", name);
    body.put("created_at", createdAt);
    body.put("partition_ids", partitionIds());
    return body;
  }

  /**
   * The index in the partition's log of the first event a receiver with this selector filter gets.
   *
   * @throws IllegalArgumentException for a filter this fake does not understand
   */
  int startIndex(String partition, String filter) {
    List<StoredEvent> log = events(partition);
    if (filter == null) {
      return 0;
    }
    Matcher m = FILTER.matcher(filter.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("unsupported filter: " + filter);
    }
    boolean inclusive = m.group(2).equals(">=");
    String value = m.group(3);
    if (m.group(1).equals("x-opt-offset")) {
      if (value.equals("-1")) {
        return 0;
      }
      if (value.equals("@latest")) {
        return log.size();
      }
      return firstIndex(log, Long.parseLong(value), inclusive, e -> Long.parseLong(e.offset()));
    }
    if (m.group(1).equals("x-opt-sequence-number")) {
      return firstIndex(log, Long.parseLong(value), inclusive, StoredEvent::sequenceNumber);
    }
    return firstIndex(log, Long.parseLong(value), inclusive, e -> e.enqueuedTime().getTime());
  }

  private static int firstIndex(List<StoredEvent> log, long bound, boolean inclusive,
      Function<StoredEvent, Long> position) {
    for (int i = 0; i < log.size(); i++) {
      long p = position.apply(log.get(i));
      if (p > bound || inclusive && p == bound) {
        return i;
      }
    }
    return log.size();
  }

  static byte[] encode(Message message) {
    for (int size = 4096; ; size *= 2) {
      byte[] buffer = new byte[size];
      try {
        int length = message.encode(buffer, 0, size);
        return java.util.Arrays.copyOf(buffer, length);
      } catch (java.nio.BufferOverflowException e) {
        // grow and try again
      }
    }
  }

  static Message decode(byte[] bytes, int offset, int length) {
    Message message = Proton.message();
    message.decode(bytes, offset, length);
    return message;
  }
}
