package io.costwatch.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
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
 * detector reads them. The comparison ignores the source; the stored value is a hash of the rest (of its compact
 * encoding; a hash of its JSON, as earlier versions stored it, is still compared as such). A tombstone (a
 * line item retracted because a later run of its export no longer has it) passes when the item is present. While an
 * export run restates unchanged rows, one of them per workspace goes through now and then (a no-op for the totals),
 * so the spend detector, which judges once billing has been quiet, does not take a long restatement for quiet.
 */
final class LineItemChangeFilter implements FixedKeyProcessor<String, CostRecord, CostRecord> {

  static final String STORE = "billing-line-item-content-store";
  /** The prefix of a hash of the compact encoding; a hash without it was made of the JSON by an earlier version. */
  static final String COMPACT_HASH = "c1:";

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
    CostRecord content = record.value().withSource(null);
    String hash = hash(content);
    String stored = seen.get(record.key());
    if (hash.equals(stored) || isJsonHash(stored) && jsonHash(content).equals(stored)) {
      if (!hash.equals(stored)) {
        seen.put(record.key(), hash); // a hash of the JSON an earlier version wrote: the same content, now compact
      }
      if (dueForTouch(record.value())) {
        context.forward(record);
      }
      return;
    }
    seen.put(record.key(), hash);
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

  /** A hash of the line item's compact encoding ({@link BillingCodecs}), marked as such by its prefix. */
  private static String hash(CostRecord record) {
    CompactOutput out = new CompactOutput(BillingCodecs.LINE_ITEM_BYTES);
    BillingCodecs.writeLineItem(record, out);
    return COMPACT_HASH + digest(out.toByteArray());
  }

  /** Earlier versions hashed the line item's JSON, without a prefix; such a stored hash is compared as it was made. */
  private static boolean isJsonHash(String stored) {
    return stored != null && !stored.startsWith(COMPACT_HASH);
  }

  private static String jsonHash(CostRecord record) {
    try {
      return digest(Json.MAPPER.writeValueAsBytes(record));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot fingerprint line item " + record.lineItemId(), e);
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256", e);
    }
  }
}
