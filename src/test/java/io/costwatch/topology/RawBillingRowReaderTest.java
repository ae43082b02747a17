package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectReader;
import io.costwatch.core.Json;
import io.costwatch.ingest.ExportRunEnd;
import io.costwatch.ingest.RawBillingRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-pass reader of raw billing rows reads every text as Jackson's data binding does: the same row (columns in
 * the same order), or a failure where it fails, so the parse step's rows and dead letters stay as they were.
 */
class RawBillingRowReaderTest {

  private static final ObjectReader BINDING = Json.MAPPER.readerFor(RawBillingRow.class);

  /** What the data binding makes of {@code text}: the row, or the failure's type. */
  private static Object bound(String text) {
    try {
      return describe(BINDING.readValue(text));
    } catch (IOException e) {
      return "fails";
    }
  }

  private static Object read(String text) {
    try {
      return describe(RawBillingRowReader.read(text));
    } catch (IOException e) {
      return "fails";
    }
  }

  /** The row with its columns' order, which record equality does not see. */
  private static Object describe(RawBillingRow row) {
    return row == null ? "null" : List.of(row, row.columns() == null ? "no columns"
        : List.copyOf(row.columns().keySet()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"schemaVersion\":1,\"file\":\"exports/part-0.csv\",\"line\":2,\"exportRun\":\"run-1\","
          + "\"columns\":{\"Date\":\"10/01/2026\",\"CostInBillingCurrency\":\"1.50\",\"Tags\":\"\",\"b\":null},"
          + "\"error\":null}",
      "{\"columns\":{\"z\":\"1\",\"a\":\"2\"},\"file\":\"f\",\"line\":9223372036854775807}",
      "{\"unknown\":{\"nested\":[1,{\"x\":2}]},\"columns\":{},\"line\":3,\"also\":[true,null]}",
      "{\"columns\":null,\"line\":4}",
      "{\"columns\":{\"n\":12.5}}",
      "{\"columns\":{\"b\":true}}",
      "{\"columns\":{\"a\":\"1\",\"a\":\"2\"}}",
      "{\"columns\":{\"o\":{\"x\":\"y\"}}}",
      "{\"line\":\"17\",\"columns\":{}}",
      "{\"line\":1.0,\"columns\":{}}",
      "{\"line\":99999999999999999999999,\"columns\":{}}",
      "{\"schemaVersion\":\"1\",\"columns\":{}}",
      "{\"schemaVersion\":null,\"line\":null,\"columns\":{}}",
      "{\"schemaVersion\":3000000000,\"columns\":{}}",
      "{\"file\":7,\"columns\":{}}",
      "{\"line\":1,\"line\":2,\"columns\":{}}",
      "{\"columns\":{\"a\":\"1\"}} trailing",
      "{\"columns\":{\"a\":\"1\"}}}",
      "{\"columns\":{\"a\":\"1\"}",
      "{\"columns\":{\"a\":\"\\u00fc\\n\\\"q\\\"\"}}",
      "{\"columns\":[\"a\"]}",
      "[]",
      "null",
      "\"text\"",
      "",
      "   {\"columns\":{\"a\":\"1\"}}   ",
      "not json at all",
      "{\"exportRun\":\"r\",\"columns\":{},\"runEnd\":{\"exportScope\":\"s\",\"exportRun\":\"r\",\"rows\":3}}",
      "{\"runEnd\":null,\"columns\":{\"a\":\"1\"}}"})
  void readsAsTheDataBindingDoes(String text) {
    assertEquals(bound(text), read(text), text);
  }

  @Test
  void rowsAsPublishedAndRunEndsReadAsTheDataBindingDoes() throws Exception {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("SubscriptionId", "s-1");
    columns.put("Cost", "0.000123");
    columns.put("Tags", "{\"team\": \"vision\"}");
    columns.put("Empty", "");
    for (RawBillingRow row : List.of(new RawBillingRow(1, "exports/ü.csv", 12, "run-7", columns, null),
        new RawBillingRow(1, "f.csv", 3, null, columns, "column count 3 does not match the header's 4"),
        RawBillingRow.endOf(new ExportRunEnd("ea/1/2026-10", "run-7", 120)))) {
      String text = Json.MAPPER.writeValueAsString(row);
      assertEquals(row, RawBillingRowReader.read(text));
      assertEquals(bound(text), read(text), text);
      // the rows Costwatch publishes take the one pass; a run end is left to the data binding
      assertEquals(row.runEnd() == null ? row : null, RawBillingRowReader.fast(text));
    }
    assertThrows(IOException.class, () -> RawBillingRowReader.read("{\"columns\":"));
  }

  @Test
  void generatedRowsReadAsTheDataBindingDoes() {
    Random random = new Random(11);
    String[] values = {"\"x\"", "\"\"", "null", "1", "-2.5", "true", "{}", "[\"a\"]", "\"\\t\\u0041\""};
    String[] fields = {"schemaVersion", "file", "line", "exportRun", "error", "columns", "other", "runEnd"};
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      StringBuilder json = new StringBuilder("{");
      int n = random.nextInt(6);
      for (int f = 0; f < n; f++) {
        String field = fields[random.nextInt(fields.length)];
        String value;
        if (field.equals("columns") && random.nextInt(4) > 0) {
          StringBuilder cols = new StringBuilder("{");
          int k = random.nextInt(4);
          for (int c = 0; c < k; c++) {
            cols.append(c == 0 ? "" : ",").append("\"c").append(random.nextInt(3)).append("\":")
                .append(random.nextInt(5) > 0 ? "\"v" + c + "\"" : values[random.nextInt(values.length)]);
          }
          value = cols.append('}').toString();
        } else {
          value = values[random.nextInt(values.length)];
        }
        json.append(f == 0 ? "" : ",").append('"').append(field).append("\":").append(value);
      }
      texts.add(json.append('}').toString());
    }
    int onePass = 0;
    for (String text : texts) {
      assertEquals(bound(text), read(text), text);
      onePass += fastOrNull(text) == null ? 0 : 1;
    }
    assertTrue(onePass > 200, onePass + " of the generated rows took the one pass");
  }

  private static RawBillingRow fastOrNull(String text) {
    try {
      return RawBillingRowReader.fast(text);
    } catch (IOException e) {
      return null;
    }
  }
}
