package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.costwatch.config.ConfigLoader;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which address `run` advertises as {@code application.server}, for the instances to merge their /alerts. */
class RunCommandAdvertisedTest {

  private static Object advertised(Map<String, String> env) {
    return RunCommand.advertised(ConfigLoader.load(env)).kafka().get("application.server");
  }

  @Test
  void theHttpAddressIsAdvertised() {
    assertEquals("127.0.0.1:8080", advertised(Map.of()));
    assertEquals("10.1.2.3:9000", advertised(Map.of("COSTWATCH_HTTP_HOST", "10.1.2.3", "COSTWATCH_HTTP_PORT",
        "9000")));
  }

  @Test
  void aWildcardHostIsAdvertisedByTheHostName() throws Exception {
    assertEquals(InetAddress.getLocalHost().getHostName() + ":8080",
        advertised(Map.of("COSTWATCH_HTTP_HOST", "0.0.0.0")));
  }

  @Test
  void anExplicitApplicationServerWinsAndAnEphemeralPortIsNotAdvertised() {
    assertEquals("costwatch-1.costwatch:8080", advertised(Map.of("COSTWATCH_HTTP_HOST", "0.0.0.0",
        "KAFKA_APPLICATION_SERVER", "costwatch-1.costwatch:8080")));
    assertFalse(RunCommand.advertised(ConfigLoader.load(Map.of("COSTWATCH_HTTP_PORT", "0"))).kafka()
        .containsKey("application.server"));
  }
}
