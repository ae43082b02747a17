package io.costwatch.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Passes a line item on only when its content changed. A month-to-date export restates every earlier row from a new
 * file, so the same line item arrives again with another file and line: without this filter the line-item table
 * would treat it as an update and churn the daily totals (subtract, then add the same amount) while the spend
 * detector reads them. The comparison ignores the source; the stored value is a hash of the rest. A tombstone (a
 * line item retracted because a later run of its export no longer has it) passes when the item is present.
 */
final class LineItemChangeFilter implements FixedKeyProcessor<String, CostRecord, CostRecord> {

  static final String STORE = "billing-line-item-content-store";

  private FixedKeyProcessorContext<String, CostRecord> context;
  private KeyValueStore<String, String> seen;

  @Override
  public void init(FixedKeyProcessorContext<String, CostRecord> context) {
    this.context = context;
    this.seen = context.getStateStore(STORE);
  }

  @Override
  public void process(FixedKeyRecord<String, CostRecord> record) {
    if (record.value() == null) {
      // a retraction: pass it on only when the line item is in the table
      if (seen.get(record.key()) != null) {
        seen.delete(record.key());
        context.forward(record);
      }
      return;
    }
    if (FlushMarker.isMarker(record.value().workspace())) {
      context.forward(record);
      return;
    }
    String content = hash(record.value().withSource(null));
    if (content.equals(seen.get(record.key()))) {
      return;
    }
    seen.put(record.key(), content);
    context.forward(record);
  }

  private static String hash(CostRecord record) {
    try {
      byte[] json = Json.MAPPER.writeValueAsBytes(record);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 16);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint line item " + record.lineItemId(), e);
    }
  }
}
