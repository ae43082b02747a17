package io.costwatch.alert.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  @ParameterizedTest(name = "retry {0}: between {1} and {2} ms")
  @CsvSource({"1, 500, 1000", "2, 1000, 2000", "3, 2000, 4000", "5, 8000, 16000", "6, 15000, 30000",
      "40, 15000, 30000"})
  void delaysDoubleWithJitterUpToTheMaximum(int retry, long lowMillis, long highMillis) {
    SplittableRandom random = new SplittableRandom(retry);
    for (int i = 0; i < 200; i++) {
      long ms = backoff.delay(retry, random).toMillis();
      assertTrue(ms >= lowMillis && ms <= highMillis, retry + " -> " + ms);
    }
  }

  @Test
  void sameSeedSameDelays() {
    assertEquals(backoff.delay(3, new SplittableRandom(42)), backoff.delay(3, new SplittableRandom(42)));
  }

  @Test
  void rejectsAMaximumBelowTheInitialStep() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)));
  }
}
