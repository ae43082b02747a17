package io.costwatch.recommend;

import java.time.Instant;

/**
 * How a recommendation's savings were estimated: the saving per hour of waste, times the share of the observed time
 * that was wasteful, over {@code horizon}. Durations are ISO-8601 strings.
 *
 * @param horizon what the savings amount covers, e.g. {@code P30D}
 * @param observedFrom start of the observation counted (the first finding, or the start of the lookback)
 * @param observedTo the latest window evaluated
 * @param observedSpan {@code observedTo - observedFrom}
 * @param wastefulSpan how much of the observed span held the finding
 * @param confidence LOW below a day of observation, MEDIUM below the full lookback, HIGH with the full lookback
 */
public record SavingsEstimate(String horizon, Instant observedFrom, Instant observedTo, String observedSpan,
    String wastefulSpan, Confidence confidence) {

  /** How much observation the estimate rests on. */
  public enum Confidence { LOW, MEDIUM, HIGH }
}
