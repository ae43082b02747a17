package io.costwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReconciliationTest {

  private static final AzureResourceId WS = AzureResourceId.workspace(TelemetryWindows.WORKSPACE);
  private static final LocalDate DAY = LocalDate.of(2026, 11, 2);
  private static final ReconciliationRules RULES = ReconciliationRules.defaults();

  static Stream<Arguments> comparablePairs() {
    return Stream.of(
        Arguments.of("billing 10% under the list-price estimate", "100.00", "90.00"),
        Arguments.of("billing 30% over", "200.00", "260.00"),
        Arguments.of("billing a fifth of the estimate: clamped", "100.00", "20.00"),
        Arguments.of("billing five times the estimate: clamped", "100.00", "500.00"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("comparablePairs")
  void factorIsTheRatioClampedToTheBounds(String name, String estimated, String billed) {
    Reconciliation r = Reconciliation.of(WS, DAY, Money.of(estimated, "USD"), Money.of(billed, "USD"));

    BigDecimal ratio = new BigDecimal(billed).divide(new BigDecimal(estimated), MathContext.DECIMAL64)
        .setScale(4, RoundingMode.HALF_UP);
    BigDecimal clamped = ratio.max(RULES.minFactor()).min(RULES.maxFactor());
    assertTrue(r.comparable());
    assertEquals(0, ratio.compareTo(r.ratio()));
    assertEquals(0, clamped.compareTo(r.correctionFactor()));
    assertEquals(clamped.compareTo(ratio) != 0, r.clamped());
    Money later = Money.of("37.50", "USD");
    assertEquals(0, later.amount().multiply(clamped).compareTo(r.correct(later).amount()));
  }

  static Stream<Arguments> notComparable() {
    return Stream.of(
        Arguments.of("different currencies", Money.of("100", "USD"), Money.of("90", "EUR")),
        Arguments.of("estimate below the minimum", Money.of("0.40", "USD"), Money.of("3", "USD")),
        Arguments.of("zero estimate", Money.of("0", "USD"), Money.of("3", "USD")),
        Arguments.of("refund day: billed negative", Money.of("100", "USD"), Money.of("-20", "USD")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notComparable")
  void incomparablePairsLeaveEstimatesUnchanged(String name, Money estimated, Money billed) {
    Reconciliation r = Reconciliation.of(WS, DAY, estimated, billed);

    assertFalse(r.comparable());
    assertNull(r.ratio());
    assertEquals(BigDecimal.ONE, r.correctionFactor());
    assertTrue(r.note() != null && !r.note().isBlank());
    Money later = Money.of("12.34", "USD");
    assertEquals(later, r.correct(later));
  }

  @Test
  void correctingAnotherCurrencyIsABug() {
    Reconciliation r = Reconciliation.of(WS, DAY, Money.of("100", "USD"), Money.of("90", "USD"));

    assertThrows(IllegalArgumentException.class, () -> r.correct(Money.of("10", "EUR")));
  }

  @Test
  void boundsMustContainOne() {
    assertThrows(IllegalArgumentException.class,
        () -> new ReconciliationRules(new BigDecimal("1.2"), new BigDecimal("2"), BigDecimal.ONE));
  }
}
