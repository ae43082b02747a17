package io.costwatch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A body's scopes grouped by workspace: one value per workspace, in the order of its first scope, each workspace's
 * scopes in their order; a scope that names no workspace is its own key.
 */
class WorkspaceSamplesTest {

  private static final String PREFIX =
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/";
  private static final Instant T = Instant.parse("2026-11-02T10:00:00Z");

  private static ScopeSamples scope(String workspace, String compute, Instant... times) {
    AzureResourceId id = compute == null ? AzureResourceId.workspace(PREFIX + workspace)
        : AzureResourceId.parse(PREFIX + workspace + "/computes/" + compute).orElseThrow();
    List<MetricSample> samples = java.util.Arrays.stream(times)
        .map(t -> new MetricSample(MetricSample.SCHEMA_VERSION, id, AzureMetric.GPU_UTILIZATION, t, 1, 1, 1, 1, 1,
            Map.of(), new SourceRef("raw/0", 7, 0)))
        .toList();
    return new ScopeSamples(ScopeSamples.SCHEMA_VERSION, id, samples);
  }

  @Test
  void scopesAreGroupedByWorkspaceInTheOrderOfTheirFirstScope() {
    // Given a body's scopes of two workspaces, interleaved, the workspace's own scope among them
    ScopeSamples a1 = scope("ws-a", "gpu-1", T);
    ScopeSamples b1 = scope("ws-b", "gpu-1", T);
    ScopeSamples a = scope("ws-a", null, T);
    ScopeSamples a2 = scope("ws-a", "gpu-2", T);

    // When
    List<WorkspaceSamples> groups = WorkspaceSamples.byWorkspace(List.of(a1, b1, a, a2));

    // Then
    assertEquals(List.of(List.of(a1, a, a2), List.of(b1)), groups.stream().map(WorkspaceSamples::scopes).toList());
    assertEquals(List.of(PREFIX + "ws-a", PREFIX + "ws-b"), groups.stream().map(WorkspaceSamples::key).toList());
    assertEquals(List.of(), WorkspaceSamples.byWorkspace(List.of()));
    assertEquals(List.of(WorkspaceSamples.of(b1)), WorkspaceSamples.byWorkspace(List.of(b1)));
  }

  @Test
  void theKeyIsTheWorkspaceOrForAScopeWithoutOneItsOwnId() {
    assertEquals(PREFIX + "ws-a", WorkspaceSamples.key(scope("ws-a", "gpu-1", T).scope()));
    assertEquals(PREFIX + "ws-a", WorkspaceSamples.key(AzureResourceId.workspace(PREFIX + "ws-a")),
        "a workspace's own scope keeps the key it had when keyed by scope");
    AzureResourceId noWorkspace = new AzureResourceId(null, null, null, null, "/subscriptions/s/x/y");
    assertEquals("/subscriptions/s/x/y", WorkspaceSamples.key(noWorkspace));
  }

  @Test
  void aValueHoldsOneKeysScopesAndAtLeastOne() {
    ScopeSamples a1 = scope("ws-a", "gpu-1", T);
    ScopeSamples b1 = scope("ws-b", "gpu-1", T);
    assertThrows(IllegalArgumentException.class,
        () -> new WorkspaceSamples(WorkspaceSamples.SCHEMA_VERSION, List.of(a1, b1)));
    assertThrows(IllegalArgumentException.class, () -> new WorkspaceSamples(WorkspaceSamples.SCHEMA_VERSION,
        List.of()));
  }

  @Test
  void newestIsTheLatestEventTimeOfAnyScope() {
    WorkspaceSamples value = new WorkspaceSamples(WorkspaceSamples.SCHEMA_VERSION, List.of(
        scope("ws-a", "gpu-1", T, T.plusSeconds(60)), scope("ws-a", "gpu-2", T.plusSeconds(180), T)));
    assertEquals(T.plusSeconds(180), value.newest());
  }
}
