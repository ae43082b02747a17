package io.costwatch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A body's samples grouped by scope: one value per scope, in the order of first appearance, each in body order. */
class ScopeSamplesTest {

  private static final String WS = "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/"
      + "workspaces/ws-a";
  private static final Instant T = Instant.parse("2026-11-02T10:00:00Z");

  private static MetricSample sample(String compute, int item, Instant time) {
    AzureResourceId scope = compute == null ? AzureResourceId.workspace(WS)
        : AzureResourceId.parse(WS + "/computes/" + compute).orElseThrow();
    return new MetricSample(MetricSample.SCHEMA_VERSION, scope, AzureMetric.GPU_UTILIZATION, time, item, item, item,
        item, 1, Map.of(), new SourceRef("raw/0", 42, item));
  }

  @Test
  void samplesAreGroupedByScopeInTheOrderOfTheirFirstSampleEachInBodyOrder() {
    // Given a body that interleaves three scopes (the workspace itself among them)
    MetricSample a0 = sample("gpu-a", 0, T);
    MetricSample b1 = sample("gpu-b", 1, T);
    MetricSample a2 = sample("gpu-a", 2, T.plusSeconds(60));
    MetricSample w3 = sample(null, 3, T);
    MetricSample b4 = sample("gpu-b", 4, T.minusSeconds(60));
    MetricSample a5 = sample("gpu-a", 5, T.minusSeconds(120));

    // When
    List<ScopeSamples> groups = ScopeSamples.byScope(List.of(a0, b1, a2, w3, b4, a5));

    // Then
    assertEquals(List.of(List.of(a0, a2, a5), List.of(b1, b4), List.of(w3)),
        groups.stream().map(ScopeSamples::samples).toList());
    assertEquals(List.of(a0.scope(), b1.scope(), w3.scope()), groups.stream().map(ScopeSamples::scope).toList());
    assertEquals(List.of(T.plusSeconds(60), T, T), groups.stream().map(ScopeSamples::newest).toList(),
        "the newest time, not the first or the last");
    assertEquals(ScopeSamples.SCHEMA_VERSION, groups.get(0).schemaVersion());
  }

  @Test
  void noSamplesNoGroupsAndOneSampleOneGroup() {
    assertEquals(List.of(), ScopeSamples.byScope(List.of()));
    MetricSample one = sample("gpu-a", 0, T);
    assertEquals(List.of(ScopeSamples.of(one)), ScopeSamples.byScope(List.of(one)));
    assertSame(one.scope(), ScopeSamples.of(one).scope());
  }

  @Test
  void theValueIsACopyThatTheCallerCannotChange() {
    List<MetricSample> samples = new ArrayList<>(List.of(sample("gpu-a", 0, T)));
    ScopeSamples value = new ScopeSamples(ScopeSamples.SCHEMA_VERSION, samples.get(0).scope(), samples);
    samples.add(sample("gpu-a", 1, T));
    assertEquals(1, value.samples().size());
    assertThrows(UnsupportedOperationException.class, () -> value.samples().add(sample("gpu-a", 2, T)));
  }

  @Test
  void anEmptyValueOrASampleOfAnotherScopeIsABug() {
    MetricSample a = sample("gpu-a", 0, T);
    assertThrows(IllegalArgumentException.class,
        () -> new ScopeSamples(ScopeSamples.SCHEMA_VERSION, a.scope(), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new ScopeSamples(ScopeSamples.SCHEMA_VERSION, a.scope(), List.of(a, sample("gpu-b", 1, T))));
    assertThrows(NullPointerException.class, () -> new ScopeSamples(ScopeSamples.SCHEMA_VERSION, null, List.of(a)));
  }

  @Test
  void anEqualResourceIdSpeltByAnotherIdIsTheSameScope() {
    // a resource-level id names its scope by the resource alone, whatever workspace it came with
    AzureResourceId one = new AzureResourceId(WS, null, null, null, "/subscriptions/s/storageaccounts/st");
    AzureResourceId other = new AzureResourceId(WS + "-b", null, null, null, "/subscriptions/s/storageaccounts/st");
    MetricSample first = new MetricSample(1, one, AzureMetric.GPU_ENERGY_JOULES, T, 1, 1, 1, 1, 1, null, null);
    MetricSample second = new MetricSample(1, other, AzureMetric.GPU_ENERGY_JOULES, null, 2, 2, 2, 2, 1, null, null);
    List<ScopeSamples> groups = ScopeSamples.byScope(List.of(first, second));
    assertEquals(1, groups.size());
    assertSame(one, groups.get(0).scope());
    assertSame(other, groups.get(0).samples().get(1).scope(), "each sample keeps its own id");
    assertEquals(T, groups.get(0).newest(), "a sample without a time does not count");
    assertNull(ScopeSamples.of(second).newest());
  }
}
