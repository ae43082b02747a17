package io.costwatch.ingest.billing;

import io.costwatch.core.CostBasis;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Row identity. Cost Management rows carry no id; Microsoft lists the columns that together identify one. Hashing
 * their normalised values (trimmed, resource id lower-cased, dates as parsed instants, {@code NULL} as empty, absent
 * columns as empty) lets a daily month-to-date re-export replace rows instead of adding them again. Cost and quantity
 * are deliberately not part of it: a re-rated row is the same line item with a new amount.
 */
final class LineItemIdentity {

  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("uuuu-MM", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private LineItemIdentity() {
  }

  /** Hex SHA-256 over basis, period, resource id and the schema's identity columns, each as name and value. */
  static String lineItemId(CostBasis basis, ColumnMap columns, Map<String, String> row, Instant start, Instant end,
      String resourceId) {
    MessageDigest sha = sha256();
    field(sha, "basis", basis.name());
    field(sha, "periodStart", start.toString());
    field(sha, "periodEnd", end.toString());
    field(sha, "resourceId", resourceId);
    for (ColumnMap.IdentityColumn column : columns.identity()) {
      field(sha, column.name(), ColumnMap.clean(row, column.header()));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** {@code <billing scope>|<basis>|<yyyy-MM>}: the unit a month-to-date export run replaces. */
  static String exportScope(String billingScope, CostBasis basis, Instant month) {
    return billingScope.toLowerCase(Locale.ROOT) + "|" + basis.name() + "|" + MONTH.format(month);
  }

  private static void field(MessageDigest sha, String name, String value) {
    sha.update(name.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0x1e);
    sha.update(value.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0x1f);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
