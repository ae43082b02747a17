package io.costwatch.metrics;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns workspace and cluster identifiers into bounded label values. Prometheus keeps one series per label set for
 * as long as the process runs, so an estate with thousands of workspaces must not become thousands of series: the
 * first {@code cap} workspaces seen keep their own label, every later one is reported as {@value #OTHER}.
 * Only the short name (last ARM path segment, lower-case) is used, so subscription and resource-group ids never
 * reach a label.
 */
final class WorkspaceLabels {

  static final String OTHER = "other";
  static final String ALL_CLUSTERS = "all";

  private final int cap;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();

  WorkspaceLabels(int cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("workspace label cap must be >= 1, was " + cap);
    }
    this.cap = cap;
  }

  /** The label for a workspace: its short name if admitted under the cap, otherwise {@value #OTHER}. */
  String workspace(String workspaceId) {
    String name = shortName(workspaceId);
    if (admitted.contains(name)) {
      return name;
    }
    synchronized (admitted) {
      if (admitted.contains(name) || admitted.size() < cap) {
        admitted.add(name);
        return name;
      }
      return OTHER;
    }
  }

  /** The cluster label: {@value #ALL_CLUSTERS} at workspace scope, {@value #OTHER} inside an overflow workspace. */
  static String cluster(String workspaceLabel, String clusterId) {
    if (clusterId == null || clusterId.isBlank()) {
      return ALL_CLUSTERS;
    }
    return OTHER.equals(workspaceLabel) ? OTHER : shortName(clusterId);
  }

  /** The last non-empty path segment of an ARM id (or the plain name), lower-case. */
  static String shortName(String id) {
    if (id == null || id.isBlank()) {
      return "unknown";
    }
    String trimmed = id.strip();
    int end = trimmed.length();
    while (end > 0 && trimmed.charAt(end - 1) == '/') {
      end--;
    }
    int start = trimmed.lastIndexOf('/', end - 1) + 1;
    String name = trimmed.substring(start, end);
    return name.isEmpty() ? "unknown" : name.toLowerCase(Locale.ROOT);
  }
}
