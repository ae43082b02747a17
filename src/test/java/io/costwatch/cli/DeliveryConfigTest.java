package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.config.ConfigException;
import io.costwatch.config.ConfigSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery configuration errors name the variable without echoing its credentials (issue 16). */
class DeliveryConfigTest {

  @TempDir
  Path dir;

  @Test
  void deliverySettingsAreReadFromThePropertiesFile() throws IOException {
    Path file = Files.writeString(dir.resolve("costwatch.properties"),
        "COSTWATCH_WEBHOOK_URL=http://hooks.example/in\n");

    ConfigException e = assertThrows(ConfigException.class, () -> DeliveryRunner.startIfConfigured(
        ConfigSource.of(Map.of("COSTWATCH_CONFIG_FILE", file.toString())).values(), null));

    assertTrue(e.getMessage().startsWith("COSTWATCH_WEBHOOK_URL needs COSTWATCH_WEBHOOK_SECRET"), e.getMessage());
  }

  @Test
  void anInvalidWebhookUrlIsReportedWithItsUserInfoMasked() {
    ConfigException e = assertThrows(ConfigException.class, () -> DeliveryRunner.startIfConfigured(
        Map.of("COSTWATCH_WEBHOOK_URL", "ftp://user:secret@host/", "COSTWATCH_WEBHOOK_SECRET", "k"), null));

    assertEquals("COSTWATCH_WEBHOOK_URL=ftp://user:****@host/ is not an http(s) URL", e.getMessage());
  }

  @Test
  void anAlertmanagerUrlWithCredentialsIsMaskedInItsError() {
    ConfigException e = new ConfigException("COSTWATCH_ALERTMANAGER_URL=https://am:pw@host:9093/?token=t0k is bad");

    assertFalse(e.getMessage().contains("pw@"), e.getMessage());
    assertFalse(e.getMessage().contains("t0k"), e.getMessage());
    assertTrue(e.getMessage().contains("https://am:****@host:9093/?token=****"), e.getMessage());
  }
}
