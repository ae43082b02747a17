package io.costwatch.usage;

import io.costwatch.core.Versioned;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the spend detector decided for each evaluated day of one workspace and currency, and which of those days were
 * corrected since. A corrected day is evaluated again once its billing has settled; the lifecycle is told only when
 * the verdict changed.
 *
 * @param spikes evaluated days that were spikes, with their excess over the baseline (days absent: no spike)
 * @param corrected evaluated days whose spend changed since, with the wall-clock millis of the latest change
 * @param schemaVersion {@link #SCHEMA_VERSION}; 0 in state written before the field existed
 */
public record SpendVerdicts(int schemaVersion, Map<LocalDate, BigDecimal> spikes, Map<LocalDate, Long> corrected)
    implements Versioned<SpendVerdicts> {

  /** 1: the field exists; version 0 has the same fields and reads unchanged. */
  public static final int SCHEMA_VERSION = 1;

  public SpendVerdicts {
    spikes = spikes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(spikes));
    corrected = corrected == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(corrected));
  }

  @Override
  public SpendVerdicts upgraded() {
    return schemaVersion >= SCHEMA_VERSION ? this : new SpendVerdicts(SCHEMA_VERSION, spikes, corrected);
  }

  public static SpendVerdicts none() {
    return new SpendVerdicts(SCHEMA_VERSION, Map.of(), Map.of());
  }

  /** The excess {@code day} was judged to have, or null when it was not a spike. */
  public BigDecimal excessOn(LocalDate day) {
    return spikes.get(day);
  }

  /** Records the verdict of {@code day} ({@code excess} null: no spike) and clears its correction mark. */
  public SpendVerdicts judged(LocalDate day, BigDecimal excess) {
    Map<LocalDate, BigDecimal> next = new TreeMap<>(spikes);
    if (excess == null) {
      next.remove(day);
    } else {
      next.put(day, excess);
    }
    Map<LocalDate, Long> open = new TreeMap<>(corrected);
    open.remove(day);
    return new SpendVerdicts(SCHEMA_VERSION, next, open);
  }

  public SpendVerdicts correctedAt(LocalDate day, long wallClockMillis) {
    Map<LocalDate, Long> open = new TreeMap<>(corrected);
    open.put(day, wallClockMillis);
    return new SpendVerdicts(SCHEMA_VERSION, spikes, open);
  }

  /** Forgets days before {@code oldest}: they are out of the history and cannot be evaluated again. */
  public SpendVerdicts since(LocalDate oldest) {
    Map<LocalDate, BigDecimal> next = new TreeMap<>(spikes);
    Map<LocalDate, Long> open = new TreeMap<>(corrected);
    ((TreeMap<LocalDate, BigDecimal>) next).headMap(oldest).clear();
    ((TreeMap<LocalDate, Long>) open).headMap(oldest).clear();
    return new SpendVerdicts(SCHEMA_VERSION, next, open);
  }
}
