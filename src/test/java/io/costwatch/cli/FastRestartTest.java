package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigException;
import io.costwatch.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FastRestartTest {

  @Test
  void theDefaultInstanceIdIsStablePerStateDirectoryAndDiffersBetweenThem() {
    AppConfig a = ConfigLoader.load(Map.of("COSTWATCH_STATE_DIR", "/var/lib/costwatch/a"));
    AppConfig again = ConfigLoader.load(Map.of("COSTWATCH_STATE_DIR", "/var/lib/costwatch/a"));
    AppConfig b = ConfigLoader.load(Map.of("COSTWATCH_STATE_DIR", "/var/lib/costwatch/b"));

    Object id = FastRestart.settings(a).get(FastRestart.INSTANCE_ID);
    assertEquals(id, FastRestart.settings(again).get(FastRestart.INSTANCE_ID));
    assertNotEquals(id, FastRestart.settings(b).get(FastRestart.INSTANCE_ID));
    assertTrue(String.valueOf(id).startsWith("costwatch-"), String.valueOf(id));
    assertEquals(30_000, FastRestart.settings(a).get("main.consumer.session.timeout.ms"));
    assertEquals(10_000, FastRestart.settings(a).get("restore.consumer.max.poll.records"));
  }

  @Test
  void aConfiguredInstanceIdIsUsedForTheMainConsumerOnly() {
    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_INSTANCE_ID", "costwatch-0"))
        .withApplication("costwatch", Path.of("state"));

    assertEquals("costwatch-0", FastRestart.settings(config).get(FastRestart.INSTANCE_ID));
    assertEquals("costwatch-0", config.kafka().get("main.consumer.group.instance.id"));
    assertTrue(!config.kafka().containsKey("group.instance.id"), "producers and other consumers get no instance id");
  }

  @Test
  void anInvalidInstanceIdIsRejectedWithTheVariableName() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("COSTWATCH_INSTANCE_ID", "pod 1/2")));
    assertTrue(e.getMessage().contains("COSTWATCH_INSTANCE_ID"), e.getMessage());
  }
}
