package io.costwatch.topology;

import io.costwatch.alert.AlertEvent;
import io.costwatch.recommend.RecommendationEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * CloudEvents 1.0 Kafka protocol binding, binary mode: the value stays the JSON event and the attributes travel as
 * headers ({@code ce_id}, {@code ce_type}, {@code ce_source}, {@code ce_time}, {@code ce_subject},
 * {@code ce_specversion}, {@code ce_dataschema}, {@code content-type}). The record's headers are replaced, so no
 * header of an input record leaks into a published event. The attributes come from the value only (and the
 * application id), so a replay publishes the same headers.
 */
final class CloudEventHeaders<V> implements FixedKeyProcessor<String, V, V> {

  static final String SPEC_VERSION = "1.0";
  static final String CONTENT_TYPE = "application/json";

  /** The attributes of one event taken from its value; {@code source} is added from the application id. */
  record Attributes(String id, String type, Instant time, String subject, String dataSchema) {
  }

  private final Function<V, Attributes> attributes;
  private FixedKeyProcessorContext<String, V> context;

  private CloudEventHeaders(Function<V, Attributes> attributes) {
    this.attributes = attributes;
  }

  /** {@code io.costwatch.alert.opened.v1}, {@code .updated.v1} or {@code .resolved.v1}, by status. */
  static CloudEventHeaders<AlertEvent> alerts() {
    return new CloudEventHeaders<>(CloudEventHeaders::of);
  }

  /** {@code io.costwatch.recommendation.issued.v1}. */
  static CloudEventHeaders<RecommendationEvent> recommendations() {
    return new CloudEventHeaders<>(CloudEventHeaders::of);
  }

  static Attributes of(AlertEvent a) {
    String verb = switch (a.status()) {
      case OPEN -> "opened";
      case UPDATE -> "updated";
      case RESOLVED -> "resolved";
    };
    Instant time = a.episode() == null ? a.windowEnd()
        : a.episode().resolvedAt() != null ? a.episode().resolvedAt() : a.episode().lastSeen();
    return new Attributes(a.eventId(), "io.costwatch.alert." + verb + ".v1", time, subject(a.resourceId(),
        a.workspaceId()), "urn:costwatch:schema:alert-event:v1");
  }

  static Attributes of(RecommendationEvent r) {
    return new Attributes(r.recommendationId() + ":" + r.windowEnd(), "io.costwatch.recommendation.issued.v1",
        r.windowEnd(), subject(r.resourceId(), r.workspaceId()), "urn:costwatch:schema:recommendation-event:v1");
  }

  private static String subject(String resourceId, String workspaceId) {
    return (resourceId != null ? resourceId : workspaceId).toLowerCase(Locale.ROOT);
  }

  static String source(String applicationId) {
    return "/costwatch/" + applicationId;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, V> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    Attributes a = attributes.apply(record.value());
    RecordHeaders headers = new RecordHeaders();
    add(headers, "ce_specversion", SPEC_VERSION);
    add(headers, "ce_id", a.id());
    add(headers, "ce_source", source(context.applicationId()));
    add(headers, "ce_type", a.type());
    add(headers, "ce_time", a.time() == null ? null : a.time().toString());
    add(headers, "ce_subject", a.subject());
    add(headers, "ce_dataschema", a.dataSchema());
    add(headers, "content-type", CONTENT_TYPE);
    context.forward(record.withHeaders(headers));
  }

  private static void add(RecordHeaders headers, String name, String value) {
    if (value != null) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
