package io.costwatch.alert;

import java.math.BigDecimal;

/** Money at stake: {@code amount} {@code currency} per {@code period} (ISO-8601 duration, e.g. PT1H or P1D). */
public record Impact(BigDecimal amount, String currency, String period) {
}
