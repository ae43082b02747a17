package io.costwatch.topology;

import io.costwatch.core.SourceRef;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Dead letters written by file ingest itself, for input that never becomes a record on a raw topic: a line of
 * invalid UTF-8, or a body larger than a Kafka record may be. Same topic and format as the topology's; the exact raw
 * bytes travel in the {@code costwatch.dead-letter.raw-value} header when they fit, else {@code rawRef} names the
 * file and line.
 */
public final class InputDeadLetters {

  private InputDeadLetters() {
  }

  /**
   * @param stage e.g. {@code metrics-read}
   * @param raw the input's bytes, or null when they are too large to carry (then {@code rawBytes} says how many)
   */
  public static ProducerRecord<String, byte[]> of(String stage, String reason, String detail, SourceRef source,
      byte[] raw, long rawBytes) {
    boolean inline = raw != null && raw.length <= HandlerDeadLetters.MAX_RAW_BYTES;
    String where = source.toString();
    DeadLetter letter = new DeadLetter(DeadLetter.SCHEMA_VERSION, stage, reason, detail, null, where,
        inline ? text(raw) : null, null, null, null, null, null, null,
        inline ? null : where + " (" + rawBytes + " bytes)");
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.DEAD_LETTERS.name(), where,
        Topics.DEAD_LETTERS.valueSerde().serializer().serialize(Topics.DEAD_LETTERS.name(), letter));
    if (inline) {
      record.headers().add(HandlerDeadLetters.RAW_VALUE, raw);
    }
    return record;
  }

  private static String text(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
