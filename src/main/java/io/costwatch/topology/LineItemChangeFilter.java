package io.costwatch.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Passes a line item on only when its content changed. A month-to-date export restates every earlier row from a new
 * file, so the same line item arrives again with another file and line: without this filter the line-item table
 * would treat it as an update and churn the daily totals (subtract, then add the same amount) while the spend
 * detector reads them. The comparison ignores the source; the stored value is a hash of the rest. A tombstone (a
 * line item retracted because a later run of its export no longer has it) passes when the item is present. While an
 * export run restates unchanged rows, one of them per workspace goes through now and then (a no-op for the totals),
 * so the spend detector, which judges once billing has been quiet, does not take a long restatement for quiet.
 */
final class LineItemChangeFilter implements FixedKeyProcessor<String, CostRecord, CostRecord> {

  static final String STORE = "billing-line-item-content-store";

  private final Duration touchEvery;
  /** Per workspace and currency, when an unchanged row last went through as a sign of life (wall clock). */
  private final Map<String, Long> lastTouch = new HashMap<>();
  private FixedKeyProcessorContext<String, CostRecord> context;
  private KeyValueStore<String, String> seen;

  /**
   * @param touchEvery how often an unchanged row of a workspace still goes through, so the spend detector sees
   *     that an export run is still arriving for it and does not judge before the run's end (zero: never, for
   *     bounded runs, which judge only at their end)
   */
  LineItemChangeFilter(Duration touchEvery) {
    this.touchEvery = touchEvery;
  }

  /** This processor with its store. */
  static FixedKeyProcessorSupplier<String, CostRecord, CostRecord> supplier(Duration touchEvery) {
    return DeclaredStores.fixedKey(() -> new LineItemChangeFilter(touchEvery), Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String()));
  }

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
    if (FlushMarker.isBillingMarker(record.value().workspace())) {
      context.forward(record);
      return;
    }
    String content = hash(record.value().withSource(null));
    if (content.equals(seen.get(record.key()))) {
      if (dueForTouch(record.value())) {
        context.forward(record);
      }
      return;
    }
    seen.put(record.key(), content);
    context.forward(record);
  }

  /** An unchanged row goes through at most once per {@code touchEvery} per workspace and currency. */
  private boolean dueForTouch(CostRecord row) {
    if (touchEvery.isZero() || row.workspace() == null) {
      return false;
    }
    long now = context.currentSystemTimeMs();
    String key = row.workspace().workspaceId() + "|" + row.currency();
    Long last = lastTouch.get(key);
    if (last != null && now - last < touchEvery.toMillis()) {
      return false;
    }
    lastTouch.put(key, now);
    return true;
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
