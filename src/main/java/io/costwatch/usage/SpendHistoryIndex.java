package io.costwatch.usage;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.SourceRef;
import io.costwatch.core.Versioned;
import java.time.LocalDate;

/**
 * What is kept per workspace and currency beside its days, which are stored one value per day: which days are kept,
 * the last day judged, the source of the latest change and when the workspace is next due to be looked at. It stays
 * a few hundred bytes whatever the history's length, so a billing row rewrites one small day and this.
 *
 * @param firstDay the oldest kept day (the history's first entry: days before it are unknown), null when none
 * @param newestDay the newest kept day, null when none
 * @param lastEvaluated the last day judged, null before the first
 * @param due the day under which the workspace waits in the due index (its first unjudged or corrected day), null
 *     when it waits for nothing
 * @param schemaVersion {@link #SCHEMA_VERSION}; 0 in state written before the field existed
 */
public record SpendHistoryIndex(int schemaVersion, AzureResourceId workspace, String currency, LocalDate firstDay,
    LocalDate newestDay, LocalDate lastEvaluated, SourceRef lastSource, LocalDate due)
    implements Versioned<SpendHistoryIndex> {

  /** 1: the field exists; version 0 has the same fields and reads unchanged. */
  public static final int SCHEMA_VERSION = 1;

  public static SpendHistoryIndex start(AzureResourceId workspace, String currency) {
    return new SpendHistoryIndex(SCHEMA_VERSION, workspace, currency, null, null, null, null, null);
  }

  @Override
  public SpendHistoryIndex upgraded() {
    return schemaVersion >= SCHEMA_VERSION ? this
        : new SpendHistoryIndex(SCHEMA_VERSION, workspace, currency, firstDay, newestDay, lastEvaluated, lastSource,
            due);
  }

  public boolean isEmpty() {
    return firstDay == null;
  }

  /** The first day not judged yet (may be after {@link #newestDay}: nothing left). */
  public LocalDate firstUnjudged() {
    return lastEvaluated == null ? firstDay : lastEvaluated.plusDays(1);
  }

  /**
   * The oldest day kept once {@code incoming} is added: {@code keepDays} before the newest, or before the first
   * unjudged day when that is earlier (a backlog not judged yet keeps its lookback), but never more than
   * {@code maxDays} before the newest. The same bound {@link SpendHistory#with(DailySpend, int, int)} applies to a
   * whole history; days before it are dropped and {@code incoming} itself is not kept when it is older.
   */
  public LocalDate keepFrom(LocalDate incoming, int keepDays, int maxDays) {
    LocalDate newest = newestDay == null || incoming.isAfter(newestDay) ? incoming : newestDay;
    LocalDate hardLimit = newest.minusDays(maxDays);
    LocalDate unjudged;
    if (lastEvaluated != null) {
      unjudged = lastEvaluated.plusDays(1);
    } else if (firstDay == null || incoming.isBefore(firstDay) && !incoming.isBefore(hardLimit)) {
      unjudged = incoming;
    } else {
      unjudged = firstDay;
    }
    LocalDate keep = newest.minusDays(keepDays);
    if (unjudged.minusDays(keepDays).isBefore(keep)) {
      keep = unjudged.minusDays(keepDays);
    }
    return keep.isBefore(hardLimit) ? hardLimit : keep;
  }

  public SpendHistoryIndex withDays(LocalDate first, LocalDate newest) {
    return new SpendHistoryIndex(SCHEMA_VERSION, workspace, currency, first, newest, lastEvaluated, lastSource, due);
  }

  public SpendHistoryIndex withLastSource(SourceRef source) {
    return new SpendHistoryIndex(SCHEMA_VERSION, workspace, currency, firstDay, newestDay, lastEvaluated, source, due);
  }

  public SpendHistoryIndex evaluatedThrough(LocalDate day) {
    return new SpendHistoryIndex(SCHEMA_VERSION, workspace, currency, firstDay, newestDay, day, lastSource, due);
  }

  public SpendHistoryIndex dueOn(LocalDate day) {
    return new SpendHistoryIndex(SCHEMA_VERSION, workspace, currency, firstDay, newestDay, lastEvaluated, lastSource,
        day);
  }
}
