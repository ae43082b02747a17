package io.costwatch.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The metric samples of one event body that share a partition key, as the scopes' values ({@link ScopeSamples}) in
 * the body's order: the key is the scopes' workspace (a scope without one is its own key). Azure Monitor exports a
 * workspace's metrics as bodies over several of its computes or deployments; one record per body and workspace instead
 * of one per body and scope saves Kafka's per-record work (produce, transaction, fetch, Kafka Streams' per-record
 * bookkeeping), while every sample of a scope still reaches one task, as a scope belongs to one workspace.
 *
 * @param scopes at least one, all with the same {@link #key(AzureResourceId)}, in the order of their first sample
 */
public record WorkspaceSamples(int schemaVersion, List<ScopeSamples> scopes) {

  public static final int SCHEMA_VERSION = 1;

  public WorkspaceSamples {
    if (scopes == null || scopes.isEmpty()) {
      throw new IllegalArgumentException("a workspace's samples need at least one scope");
    }
    scopes = List.copyOf(scopes);
    String key = key(scopes.get(0).scope());
    for (ScopeSamples s : scopes) {
      if (!key.equals(key(s.scope()))) {
        throw new IllegalArgumentException("samples of " + s.scope().resourceId() + " among the samples keyed " + key);
      }
    }
  }

  /** One scope's samples on their own (an end-of-input marker, a value written before scopes travelled together). */
  public static WorkspaceSamples of(ScopeSamples scope) {
    return new WorkspaceSamples(SCHEMA_VERSION, List.of(scope));
  }

  /**
   * The partition key of a scope's samples: its workspace id, or its own resource id when it names no workspace. A
   * workspace's own scope keeps the key it had when samples were keyed by scope.
   */
  public static String key(AzureResourceId scope) {
    Objects.requireNonNull(scope, "scope");
    return scope.workspaceId() != null ? scope.workspaceId() : scope.resourceId();
  }

  /**
   * The scopes' values grouped by {@link #key}: one value per key, the keys in the order of their first scope, each
   * key's scopes in their order in {@code scopes}. Empty for no scopes.
   */
  public static List<WorkspaceSamples> byWorkspace(List<ScopeSamples> scopes) {
    if (scopes.size() == 1) {
      return List.of(of(scopes.get(0)));
    }
    Map<String, List<ScopeSamples>> groups = new LinkedHashMap<>();
    for (ScopeSamples s : scopes) {
      groups.computeIfAbsent(key(s.scope()), k -> new ArrayList<>()).add(s);
    }
    List<WorkspaceSamples> out = new ArrayList<>(groups.size());
    for (List<ScopeSamples> group : groups.values()) {
      out.add(new WorkspaceSamples(SCHEMA_VERSION, group));
    }
    return out;
  }

  /** The partition key every scope of the value shares. */
  public String key() {
    return key(scopes.get(0).scope());
  }

  /** The latest event time among the samples (null only if every sample lacks one). */
  public Instant newest() {
    Instant newest = null;
    for (ScopeSamples s : scopes) {
      Instant t = s.newest();
      if (t != null && (newest == null || t.isAfter(newest))) {
        newest = t;
      }
    }
    return newest;
  }
}
