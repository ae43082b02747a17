package io.costwatch.topology;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertFactory.Published;
import io.costwatch.alert.AlertStatus;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.CostRecord;
import io.costwatch.detect.Severity;
import io.costwatch.detect.spend.DriverKind;
import io.costwatch.detect.spend.SpendDrivers;
import io.costwatch.usage.DailySpend;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * End-of-input marker for bounded runs ({@code replay}, {@code demo}). A telemetry window closes only when its own
 * scope's event time passes its end plus grace (or the scope has been idle for the idle timeout), and billing days
 * are judged by the spend detector's clock. At the end of a bounded run the driver writes one record with this key
 * and a far-future timestamp to <em>every</em> partition of both raw topics, with the partition count {@code n} in
 * header {@link #PARTITIONS_HEADER}. The parsers turn each into a marker of scope {@link #SCOPE}. Each marker is
 * forwarded after everything its task sent before it, so a downstream task knows that all data has reached it once
 * it holds a marker from every path that leads to it; every repartition step in between sends markers to all of its
 * partitions ({@link #broadcast}).
 *
 * <ul>
 *   <li>Telemetry: the usage-window task of each partition counts the markers of the round in the marker scope's own
 *       window (one per raw partition, {@code n} in all); with the last it closes every window of its task, its own
 *       last, which detection turns into an acknowledgement naming the task.</li>
 *   <li>Billing: the export-run step of each raw partition {@code p} sends {@code n} markers, one per partition
 *       {@code k} of the daily-spend aggregate (a charge day whose key falls on {@code k}), each of them to every
 *       line-item task {@code q}; so the aggregate of partition {@code k} counts {@code n * n} marker line items when
 *       every path {@code p -> q -> k} has delivered its data. The complete marker day goes to every spend detector,
 *       which judges every remaining day once it has the complete marker day of every {@code k}.</li>
 *   <li>Every acknowledgement goes to every lifecycle task, which forwards it to the control topic after the alerts
 *       of the findings before it: the driver waits for {@code n * n} acknowledgements of each stage.</li>
 * </ul>
 * With {@code n = 1} (no header) one marker per raw topic closes everything.
 *
 * <p>A live pipeline gets the billing half of this under its own key, {@link #FINAL_KEY} ({@code costwatch ingest
 * billing --final}: "these files are the last of the period"). It takes the same path and is counted the same way,
 * but it is safe in a long-running pipeline: it carries the time it was sent (no far-future time), its marker days
 * are today or before, its line items are new ones each round (so a second {@code --final} completes its own round),
 * and the spend detector judges the pending days only up to the newest charge day it has seen, without moving its
 * clock (see {@code SpendSpikeProcessor}). Its acknowledgement on the control topic is {@link #BILLING_JUDGED}.
 */
public final class FlushMarker {

  public static final String KEY = "__costwatch_flush__";
  public static final AzureResourceId SCOPE = AzureResourceId.workspace(
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/costwatch"
          + "/providers/microsoft.machinelearningservices/workspaces/" + KEY);

  /** Stage names written to the control topic once a path has flushed every window. */
  public static final String METRICS_DONE = "metrics-flushed";
  public static final String BILLING_DONE = "billing-flushed";
  /** Raw key of the live end of billing input ({@code ingest billing --final}): judge every pending day now. */
  public static final String FINAL_KEY = "__costwatch_final__";
  /** The scope of the live end of billing input's line items and marker days. */
  public static final AzureResourceId FINAL_SCOPE = AzureResourceId.workspace(
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/costwatch"
          + "/providers/microsoft.machinelearningservices/workspaces/" + FINAL_KEY);
  /** Stage name written to the control topic once a live end of billing input has been judged. */
  public static final String BILLING_JUDGED = "billing-judged";
  /** The meter name of a billing marker that carries its raw partition's newest charge day after it. */
  static final String NEWEST_DAY_METER = "costwatch-newest-charge-day=";
  /** Header of the raw marker records: how many partitions the raw topics (and every topic of the run) have. */
  public static final String PARTITIONS_HEADER = "costwatch-flush-partitions";
  /** Header of an acknowledgement on the control topic: the path it took, {@code detection-task/lifecycle-task}. */
  public static final String PATH_HEADER = "costwatch-flush-path";

  private FlushMarker() {
  }

  /** The acknowledgement that travels in place of findings once the marker has passed a detector. */
  public static Published acknowledgement(String stage, Instant time) {
    AlertEvent ack = new AlertEvent(AlertEvent.SCHEMA_VERSION, KEY, stage, AlertStatus.OPEN, Severity.LOW,
        SCOPE.workspaceId(), SCOPE.resourceId(), SCOPE.scope(), time, time, Map.of(), Map.of(), null, null, stage,
        List.of(), null, null);
    return new Published(ack, List.of());
  }

  /**
   * The headers of an acknowledgement on the control topic: {@link #PATH_HEADER} names the detection task and the
   * lifecycle task it went through ({@code "j/r"}), so the driver can count them; the value stays the marker's time.
   */
  public static Headers withPath(Headers headers, String path) {
    RecordHeaders out = new RecordHeaders(headers == null ? new Header[0] : headers.toArray());
    out.remove(PATH_HEADER);
    out.add(PATH_HEADER, path.getBytes(StandardCharsets.UTF_8));
    return out;
  }

  /** The partition count a raw marker record carries (1 when it has no header). */
  public static int partitions(Headers headers) {
    Header header = headers == null ? null : headers.lastHeader(PARTITIONS_HEADER);
    if (header == null) {
      return 1;
    }
    try {
      return Math.max(1, Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8).trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /**
   * A partitioner that sends the records {@code isMarker} accepts to every partition, and leaves every other record
   * to the default (the hash of its key), as without a partitioner.
   */
  public static <K, V> StreamPartitioner<K, V> broadcast(Predicate<V> isMarker) {
    return (topic, key, value, partitions) -> value != null && isMarker.test(value)
        ? Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()))
        : Optional.empty();
  }

  /**
   * The billing marker of raw partition {@code from} for daily-spend partition {@code to} of {@code n}: a line item of
   * its own ({@code <marker id>|from|to}, so each round's are new line items), on the first charge day from {@code
   * marker}'s whose daily-spend key falls on partition {@code to} (the producer's hash of the key, which the
   * aggregate's repartition topic uses), costing {@code n} so that the marker day's spend tells how many markers make
   * it complete. A replay's marker days go forward from its far-future time; a live {@link #FINAL_KEY} marker's go
   * back from the day it was sent, so they never lie in the future.
   */
  public static CostRecord billingMarker(CostRecord marker, int from, int to, int n) {
    return billingMarker(marker, from, to, n, null);
  }

  /**
   * Like {@link #billingMarker(CostRecord, int, int, int)}, carrying {@code newestChargeDay}, the newest charge day
   * of the rows raw partition {@code from} passed on (null when none): as the marker's meter, so the marker day's
   * spend drivers hold the newest day of every raw partition ({@link #newestChargeDay(DailySpend)}).
   */
  public static CostRecord billingMarker(CostRecord marker, int from, int to, int n, LocalDate newestChargeDay) {
    String meter = newestChargeDay == null ? marker.meterName() : NEWEST_DAY_METER + newestChargeDay;
    long step = isFinal(marker.workspace()) ? -1 : 1;
    for (int day = 0; ; day++) {
      Instant start = marker.periodStart().plus(Duration.ofDays(step * day));
      CostRecord candidate = new CostRecord(marker.schemaVersion(), marker.lineItemId() + "|" + from + "|" + to,
          marker.exportScope(), marker.schema(), marker.basis(), marker.chargeKind(), start, start,
          marker.resourceId(), marker.workspace(), marker.serviceName(), marker.meterCategory(),
          marker.meterSubCategory(), meter, marker.quantity(), marker.unit(), BigDecimal.valueOf(n),
          marker.currency(), marker.vmSize(), marker.tags(), marker.source());
      if (partitionOf(DailySpend.key(candidate), n) == to) {
        return candidate;
      }
    }
  }

  /**
   * The newest charge day of the whole input, as the complete marker day carries it: the latest of the raw
   * partitions' newest days (empty when no raw partition passed a row on). The same on every daily-spend partition,
   * whatever the partition count, since every marker day holds the markers of every raw partition.
   */
  public static Optional<LocalDate> newestChargeDay(DailySpend markerDay) {
    String prefix = SpendDrivers.key(DriverKind.METER, NEWEST_DAY_METER);
    return markerDay.drivers().keySet().stream().filter(k -> k.startsWith(prefix))
        .map(k -> LocalDate.parse(k.substring(prefix.length()))).max(LocalDate::compareTo);
  }

  /** The partition count a (raw) billing marker carries in its quantity. */
  public static int partitions(CostRecord marker) {
    return marker.quantity() == null ? 1 : Math.max(1, marker.quantity().intValue());
  }

  /**
   * A marker day is complete when it holds {@code n * n} marker line items, each costing {@code n}; or a multiple of
   * that, when a second live round ({@link #FINAL_KEY}) falls on the same marker day: its line items are new ones, so
   * the count only grows, and reaches the next multiple once that round's markers are all in.
   */
  public static boolean isComplete(DailySpend markerDay) {
    long items = markerDay.lineItems();
    if (items <= 0) {
      return false;
    }
    long n = markerDay.amount().longValue() / items;
    return n > 0 && items % (n * n) == 0;
  }

  /** The partition count of a complete marker day. */
  public static int partitions(DailySpend markerDay) {
    return (int) (markerDay.amount().longValue() / Math.max(1, markerDay.lineItems()));
  }

  /** True when the marker scope's window holds the marker of every raw partition (each sample's value is n). */
  public static boolean isComplete(UsageWindow markerWindow) {
    return markerWindow.records() >= Math.max(1, Math.round(markerWindow.average(
        io.costwatch.core.AzureMetric.GPU_UTILIZATION)));
  }

  private static int partitionOf(String key, int n) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % n;
  }

  /** The expected acknowledgement paths of a run on {@code n} partitions: every detection task to every lifecycle task. */
  public static Set<String> paths(int n) {
    return IntStream.range(0, n).boxed().flatMap(j -> IntStream.range(0, n).mapToObj(r -> j + "/" + r))
        .collect(Collectors.toSet());
  }

  public static boolean isAcknowledgement(Published published) {
    return KEY.equals(published.alert().alertId());
  }

  public static boolean isMarker(String key) {
    return KEY.equals(key);
  }

  /** True for the end-of-input marker's scope (telemetry and billing of a bounded run). */
  public static boolean isMarker(AzureResourceId scope) {
    return scope != null && SCOPE.workspaceId().equals(scope.workspaceId());
  }

  /**
   * True for a billing marker's scope: the end-of-input marker's or the live end of billing input's ({@link
   * #FINAL_SCOPE}). The telemetry path tests {@link #isMarker(AzureResourceId)} only, so it never takes a metric for
   * a live end of billing input.
   */
  public static boolean isBillingMarker(AzureResourceId scope) {
    return isMarker(scope) || isFinal(scope);
  }

  /** True for the live end of billing input's scope ({@code ingest billing --final}). */
  public static boolean isFinal(AzureResourceId scope) {
    return scope != null && FINAL_SCOPE.workspaceId().equals(scope.workspaceId());
  }

  /** True for the raw key of the live end of billing input. */
  public static boolean isFinal(String key) {
    return FINAL_KEY.equals(key);
  }
}
