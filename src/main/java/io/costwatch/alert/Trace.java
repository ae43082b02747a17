package io.costwatch.alert;

import java.math.BigDecimal;
import java.util.Map;

/**
 * How an alert came about: the rule and its thresholds, how many input records the window held, and the first and
 * last of them (file:line or topic/partition:offset), so that a user can find the exact data behind a page.
 */
public record Trace(String rule, Map<String, BigDecimal> thresholds, long records, String firstSource,
    String lastSource, String pricedAs) {
}
