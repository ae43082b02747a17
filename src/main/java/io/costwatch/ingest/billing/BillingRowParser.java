package io.costwatch.ingest.billing;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.core.ScopeKind;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.RawBillingRow;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one raw Cost Management export row into a {@link CostRecord}, or into a rejection naming file, line and
 * column, so a bad row is dead-lettered while its neighbours flow on.
 *
 * <p>The flavour (EA, MCA, pay-as-you-go, FOCUS 1.0-1.2) is detected from the header names, case-insensitively, and
 * cached per header set. Basis: legacy files say nothing about it in their rows, so a row is
 * {@link CostBasis#AMORTIZED} when its file path contains "amortized" (any case; Microsoft names exports and their
 * folders after the dataset), else {@link CostBasis#ACTUAL}. A FOCUS row carries both costs; Costwatch reads its
 * {@code BilledCost} (invoice basis) and marks it {@link CostBasis#ACTUAL}, so FOCUS and actual-cost exports are
 * comparable and never summed with amortized ones.
 *
 * <p>Other conventions: legacy {@code Date} is one UTC day {@code [date, date + 1 day)}; the literal {@code NULL}
 * counts as empty; the service name of EA and MCA rows is the meter category, which is what Cost analysis shows as
 * "Service name"; a workspace-level row whose tags name an online endpoint ({@code azuremlendpoint},
 * {@code azuremldeployment}) is attributed to that endpoint or deployment, as Microsoft's endpoint cost guide does.
 *
 * <p>Thread-safe; one instance is meant to serve a whole stream.
 */
public final class BillingRowParser {

  private static final List<Column> REQUIRED = List.of(Column.DATE, Column.COST, Column.CURRENCY);
  private static final Duration ONE_DAY = Duration.ofDays(1);

  private final SchemaDetector detector = new SchemaDetector();

  public ParseResult<CostRecord> parse(RawBillingRow row) {
    if (row.error() != null) {
      return reject(row, ReadErrors.reason(row.error()), where(row) + ": " + ReadErrors.sentence(row.error()), null);
    }
    Optional<ColumnMap> detected = detector.detect(row.columns().keySet());
    if (detected.isEmpty()) {
      return reject(row, "unknown-schema",
          where(row) + ": the header matches no known export schema (EA, MCA, PAYG, FOCUS)", null);
    }
    ColumnMap columns = detected.get();
    for (Column required : REQUIRED) {
      if (columns.header(required).isEmpty()) {
        List<String> names = columns.schema().candidates(required);
        return reject(row, "missing-column", where(row) + ": the " + columns.schema() + " header has no column "
            + String.join(" or ", names), names.get(0));
      }
    }
    try {
      return ParseResult.parsed(record(row, columns));
    } catch (RowRejection e) {
      return reject(row, e.reason(), e.getMessage(), e.column());
    }
  }

  private static CostRecord record(RawBillingRow row, ColumnMap columns) {
    Map<String, String> values = row.columns();
    ExportSchema schema = columns.schema();
    CostBasis basis = basis(schema, row.file());
    Instant start = instant(row, columns, Column.DATE);
    Instant end = columns.value(values, Column.PERIOD_END).isEmpty() ? start.plus(ONE_DAY)
        : instant(row, columns, Column.PERIOD_END);
    BigDecimal cost = decimal(row, columns, Column.COST);
    String currency = required(row, columns, Column.CURRENCY).toUpperCase(Locale.ROOT);
    BigDecimal quantity = columns.value(values, Column.QUANTITY).isEmpty() ? null
        : decimal(row, columns, Column.QUANTITY);
    String resourceId = columns.value(values, Column.RESOURCE_ID).toLowerCase(Locale.ROOT);
    Map<String, String> tags = BillingValues.tags(columns.value(values, Column.TAGS));
    Instant month = columns.value(values, Column.BILLING_PERIOD_START).isEmpty() ? start
        : instant(row, columns, Column.BILLING_PERIOD_START);
    return new CostRecord(
        CostRecord.SCHEMA_VERSION,
        LineItemIdentity.lineItemId(basis, columns, values, start, end, resourceId),
        LineItemIdentity.exportScope(columns.value(values, Column.BILLING_SCOPE), basis, month),
        schema.name(),
        basis,
        chargeKind(row, columns),
        start,
        end,
        resourceId,
        workspace(resourceId, tags),
        optional(values, columns, Column.SERVICE_NAME),
        optional(values, columns, Column.METER_CATEGORY),
        optional(values, columns, Column.METER_SUBCATEGORY),
        optional(values, columns, Column.METER_NAME),
        quantity,
        optional(values, columns, Column.UNIT),
        cost,
        currency,
        BillingValues.vmSize(columns.value(values, Column.ADDITIONAL_INFO)),
        tags,
        SourceRef.line(row.file(), row.line()));
  }

  static CostBasis basis(ExportSchema schema, String file) {
    boolean amortized = file != null && file.toLowerCase(Locale.ROOT).contains("amortized");
    return schema != ExportSchema.FOCUS && amortized ? CostBasis.AMORTIZED : CostBasis.ACTUAL;
  }

  private static ChargeKind chargeKind(RawBillingRow row, ColumnMap columns) {
    Map<String, String> values = row.columns();
    String type = columns.value(values, Column.CHARGE_TYPE);
    Optional<ChargeKind> kind = columns.schema() == ExportSchema.FOCUS
        ? ChargeKinds.focus(type, columns.value(values, Column.CHARGE_CLASS),
            columns.value(values, Column.COMMITMENT_STATUS))
        : ChargeKinds.legacy(type);
    return kind.orElseThrow(() -> rejection("unknown-charge-type", row, columns, Column.CHARGE_TYPE,
        "'" + type + "' is not a known charge type"));
  }

  private static AzureResourceId workspace(String resourceId, Map<String, String> tags) {
    Optional<AzureResourceId> parsed = AzureResourceId.parse(resourceId);
    if (parsed.isEmpty() || parsed.get().scope() != ScopeKind.WORKSPACE) {
      return parsed.orElse(null);
    }
    String endpoint = tag(tags, "azuremlendpoint");
    return endpoint == null ? parsed.get() : parsed.get().withDeployment(endpoint, tag(tags, "azuremldeployment"));
  }

  private static String tag(Map<String, String> tags, String key) {
    return tags.entrySet().stream()
        .filter(e -> e.getKey().trim().equalsIgnoreCase(key) && !e.getValue().isBlank())
        .map(e -> e.getValue().trim())
        .findFirst()
        .orElse(null);
  }

  private static Instant instant(RawBillingRow row, ColumnMap columns, Column column) {
    String text = required(row, columns, column);
    try {
      return BillingValues.instant(text);
    } catch (DateTimeException e) {
      throw rejection("bad-date", row, columns, column, "'" + text + "' is not a date");
    }
  }

  private static BigDecimal decimal(RawBillingRow row, ColumnMap columns, Column column) {
    String text = required(row, columns, column);
    try {
      return BillingValues.decimal(text);
    } catch (NumberFormatException e) {
      throw rejection("bad-number", row, columns, column, "'" + text + "' is not a number");
    }
  }

  private static String required(RawBillingRow row, ColumnMap columns, Column column) {
    String text = columns.value(row.columns(), column);
    if (text.isEmpty()) {
      throw rejection("missing-value", row, columns, column, "the value is empty");
    }
    return text;
  }

  private static String optional(Map<String, String> values, ColumnMap columns, Column column) {
    String text = columns.value(values, column);
    return text.isEmpty() ? null : text;
  }

  private static RowRejection rejection(String reason, RawBillingRow row, ColumnMap columns, Column column,
      String problem) {
    String header = columns.header(column).orElse(column.name());
    return new RowRejection(reason, header, where(row) + ", column " + header + ": " + problem);
  }

  private static String where(RawBillingRow row) {
    return row.file() + " line " + row.line();
  }

  private static ParseResult<CostRecord> reject(RawBillingRow row, String reason, String detail, String column) {
    String raw = String.join(",", row.columns().values());
    return ParseResult.rejected(reason, detail, column, SourceRef.line(row.file(), row.line()),
        raw);
  }
}
