package io.costwatch.topology;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Builds the dead-letter record for an error caught by a Kafka Streams exception handler: a {@link DeadLetter} JSON
 * value naming node, source topic/partition/offset, record time, exception class and message, and the source
 * record's exact key and value bytes in the {@link #RAW_KEY} and {@link #RAW_VALUE} headers (the JSON {@code raw}
 * holds the value as text when it is valid UTF-8). The source record's headers (file and line of file ingest) are
 * kept.
 */
final class HandlerDeadLetters {

  static final String RAW_KEY = "costwatch.dead-letter.raw-key";
  static final String RAW_VALUE = "costwatch.dead-letter.raw-value";
  static final String EXCEPTION = "costwatch.dead-letter.exception";

  /**
   * Above this size the raw bytes are left out (header and text) and the dead letter refers to the source record,
   * which stays on its topic for the topic's retention: the dead letter must fit the 1 MiB record limit.
   */
  static final int MAX_RAW_BYTES = DeadLetter.MAX_INLINE_RAW;

  private HandlerDeadLetters() {
  }

  static ProducerRecord<byte[], byte[]> of(String stage, String reason, ErrorHandlerContext context,
      Exception exception) {
    byte[] rawValue = context.sourceRawValue();
    byte[] rawKey = context.sourceRawKey();
    boolean inline = (rawValue == null ? 0 : rawValue.length) + (rawKey == null ? 0 : rawKey.length) <= MAX_RAW_BYTES;
    String source = context.topic() + "/" + context.partition() + ":" + context.offset();
    Instant time = context.timestamp() < 0 ? null : Instant.ofEpochMilli(context.timestamp());
    DeadLetter letter = new DeadLetter(DeadLetter.SCHEMA_VERSION, stage, reason, message(exception), null, source,
        inline ? text(rawValue) : null, time, exception.getClass().getName(), context.processorNodeId(),
        context.topic(), context.partition(), context.offset(),
        inline ? null : source + " (" + (rawValue == null ? 0 : rawValue.length) + " bytes)");
    RecordHeaders headers = new RecordHeaders();
    if (context.headers() != null) {
      for (Header h : context.headers()) {
        if (!h.key().startsWith("costwatch.dead-letter.")) {
          headers.add(h);
        }
      }
    }
    if (inline && rawKey != null) {
      headers.add(RAW_KEY, rawKey);
    }
    if (inline && rawValue != null) {
      headers.add(RAW_VALUE, rawValue);
    }
    headers.add(EXCEPTION, exception.getClass().getName().getBytes(StandardCharsets.UTF_8));
    byte[] value = Topics.DEAD_LETTERS.valueSerde().serializer().serialize(Topics.DEAD_LETTERS.name(), letter);
    return new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, source.getBytes(StandardCharsets.UTF_8), value,
        headers);
  }

  /** The exception's message and its causes', so "cannot read X" names what Jackson found, on one line. */
  static String message(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null && s.length() < 2_000; t = t.getCause() == t ? null : t.getCause()) {
      if (s.length() > 0) {
        s.append(" <- ");
      }
      s.append(t.getClass().getSimpleName()).append(": ").append(String.valueOf(t.getMessage()).lines().findFirst()
          .orElse(""));
    }
    return s.toString();
  }

  /** A reason label from an exception class: {@code RecordTooLargeException} -> {@code record-too-large}. */
  static String reason(String prefix, Throwable e) {
    String name = e.getClass().getSimpleName().replaceAll("(Exception|Error)$", "");
    return prefix + "-" + name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** The bytes as text when they are valid UTF-8, else null (the exact bytes are in the header). */
  private static String text(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
