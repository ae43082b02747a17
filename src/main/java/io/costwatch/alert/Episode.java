package io.costwatch.alert;

import io.costwatch.core.Money;
import java.time.Instant;

/**
 * Where an alert event stands in its episode: the lifecycle's view of a condition from OPEN to RESOLVED.
 *
 * @param fingerprint type, resource and currency of the condition: the key of the alert state and of feedback
 * @param number 1-based episode number of this fingerprint
 * @param firstSeen window start of the episode's first finding
 * @param lastSeen window end of the episode's latest finding
 * @param resolvedAt when the condition was clear long enough to resolve (RESOLVED only)
 * @param totalWaste the episode's waste so far: hourly impact times window hours, or the daily excess of spend
 */
public record Episode(String fingerprint, int number, Instant firstSeen, Instant lastSeen, Instant resolvedAt,
    Money totalWaste) {
}
