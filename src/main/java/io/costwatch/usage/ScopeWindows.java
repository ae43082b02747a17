package io.costwatch.usage;

import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The state of one scope: its progress and its open windows by start. The store keeps it as one entry per open
 * window plus the progress; a scope has at most {@code grace / size + 1} open windows.
 *
 * @param progress null for a scope never seen (or whose state expired)
 */
public record ScopeWindows(ScopeProgress progress, SortedMap<Instant, UsageWindow> open) {

  public ScopeWindows {
    open = Collections.unmodifiableSortedMap(new TreeMap<>(open));
  }

  public static ScopeWindows none() {
    return new ScopeWindows(null, new TreeMap<>());
  }
}
