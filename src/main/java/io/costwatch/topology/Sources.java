package io.costwatch.topology;

import io.costwatch.core.SourceRef;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Source coordinates of a raw record: the original file and line when the producer (file ingest) stamped them in
 * headers, the Event Hubs partition and sequence number when the bridge did, else the Kafka topic, partition and
 * offset.
 */
public final class Sources {

  public static final String ORIGIN = "costwatch.source.origin";
  public static final String POSITION = "costwatch.source.position";
  public static final String EH_HUB = "eventhubs.hub";
  public static final String EH_PARTITION = "eventhubs.partition";
  public static final String EH_SEQUENCE = "eventhubs.sequence-number";

  private Sources() {
  }

  public static SourceRef of(Headers headers, RecordMetadata metadata) {
    String origin = text(headers, ORIGIN);
    String position = text(headers, POSITION);
    if (origin != null && position != null) {
      return new SourceRef(origin, parse(position), -1);
    }
    String hub = text(headers, EH_HUB);
    if (hub != null) {
      return new SourceRef("eventhubs://" + hub + "/" + text(headers, EH_PARTITION),
          parse(text(headers, EH_SEQUENCE)), -1);
    }
    return new SourceRef(metadata.topic() + "/" + metadata.partition(), metadata.offset(), -1);
  }

  private static String text(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static long parse(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
