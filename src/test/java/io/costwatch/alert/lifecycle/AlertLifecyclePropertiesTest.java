package io.costwatch.alert.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertStatus;
import io.costwatch.alert.lifecycle.AlertLifecycleTest.Run;
import io.costwatch.alert.lifecycle.AlertLifecycleTest.Step;
import io.costwatch.detect.Severity;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class AlertLifecyclePropertiesTest {

  private final AlertLifecycle lifecycle = new AlertLifecycle(AlertLifecycleTest.RULES);

  /** Consecutive windows, each either clear or wasting 1-20 USD/h. */
  @Provide
  Arbitrary<List<Step>> windows() {
    Arbitrary<String> impact = Arbitraries.integers().between(0, 20).map(i -> i == 0 ? null : i + ".00");
    return impact.list().ofMaxSize(80).map(impacts -> {
      List<Step> steps = new ArrayList<>();
      for (int n = 0; n < impacts.size(); n++) {
        String perHour = impacts.get(n);
        steps.add(perHour == null ? Step.clear(n)
            : Step.waste(n, perHour, new BigDecimal(perHour).intValue() > 10 ? Severity.HIGH : Severity.LOW));
      }
      return steps;
    });
  }

  @Property
  void everyEpisodeIsOneOpenThenUpdatesThenAtMostOneResolved(@ForAll("windows") List<Step> steps) {
    Run run = AlertLifecycleTest.run(lifecycle, null, steps);

    Map<String, List<AlertStatus>> byId = new HashMap<>();
    String current = null;
    for (LifecycleEvent e : run.events()) {
      if (e.status() == AlertStatus.OPEN) {
        assertFalse(byId.containsKey(e.alertId()), "an id opens once: " + e.alertId());
        assertTrue(current == null, "no OPEN while another episode is open");
        current = e.alertId();
      } else {
        assertEquals(current, e.alertId(), "UPDATE/RESOLVED belong to the open episode");
      }
      byId.computeIfAbsent(e.alertId(), k -> new ArrayList<>()).add(e.status());
      if (e.status() == AlertStatus.RESOLVED) {
        current = null;
      }
    }
    assertEquals(byId.size(), run.events().stream().filter(e -> e.status() == AlertStatus.OPEN).count());
  }

  @Property
  void noEpisodeOpensInsideTheQuietPeriod(@ForAll("windows") List<Step> steps) {
    Run run = AlertLifecycleTest.run(lifecycle, null, steps);

    Instant resolvedAt = null;
    for (LifecycleEvent e : run.events()) {
      if (e.status() == AlertStatus.RESOLVED) {
        resolvedAt = e.resolvedAt();
      } else if (e.status() == AlertStatus.OPEN && resolvedAt != null) {
        Instant openedAt = e.lastSeen();
        assertFalse(openedAt.isBefore(resolvedAt.plus(AlertLifecycleTest.RULES.quietAfterResolve())));
      }
    }
  }

  @Property
  void replayingAndRedeliveringChangeNothing(@ForAll("windows") List<Step> steps) {
    Run once = AlertLifecycleTest.run(lifecycle, null, steps);
    List<Step> doubled = new ArrayList<>();
    steps.forEach(s -> {
      doubled.add(s);
      doubled.add(s);
    });

    assertEquals(once, AlertLifecycleTest.run(lifecycle, null, steps));
    assertEquals(once.events(), AlertLifecycleTest.run(lifecycle, null, doubled).events());
    assertEquals(List.of(), AlertLifecycleTest.run(lifecycle, once.state(), steps).events());
  }

  @Property
  void totalWasteNeverDecreasesWithinAnEpisode(@ForAll("windows") List<Step> steps) {
    Run run = AlertLifecycleTest.run(lifecycle, null, steps);

    Map<String, BigDecimal> last = new HashMap<>();
    for (LifecycleEvent e : run.events()) {
      BigDecimal before = last.getOrDefault(e.alertId(), BigDecimal.ZERO);
      assertTrue(e.totalWaste().amount().compareTo(before) >= 0);
      last.put(e.alertId(), e.totalWaste().amount());
    }
  }
}
