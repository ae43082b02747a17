package io.costwatch.detect.spend;

/**
 * Everything the spend-spike rule computed for one point, spike or not: what the evaluation tool scores and what a
 * finding reports.
 *
 * @param actual the point's spend
 * @param expected the seasonal, trend-following baseline
 * @param delta {@code actual - expected}
 * @param percent delta as a percentage of expected; +infinity when expected is zero
 * @param robustZ delta in units of the baseline's robust spread; +infinity when the spread is zero
 * @param historyPoints history points (days or hours) the baseline used
 * @param enoughHistory whether the history reached the rule's minimum
 * @param seasonal whether the point's own phase (weekday, hour) had an offset
 * @param weeklyRecurrence whether the expectation is the same point one week earlier (a weekly job), because that
 *     was above the fitted baseline
 * @param slope the trend per point (per day or per hour)
 * @param spike whether every gate passed: history, $ floor, percentage and robust z
 */
public record SpendAssessment(double actual, double expected, double delta, double percent, double robustZ,
    int historyPoints, boolean enoughHistory, boolean seasonal, boolean weeklyRecurrence, double slope,
    boolean spike) {
}
