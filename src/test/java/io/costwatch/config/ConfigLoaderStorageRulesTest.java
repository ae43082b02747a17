package io.costwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.costwatch.detect.SeverityTiers;
import io.costwatch.detect.SpendRules;
import io.costwatch.detect.spend.StorageRules;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code COSTWATCH_EGRESS_*}, {@code COSTWATCH_STORAGE_GROWTH_*}, {@code COSTWATCH_COLD_DATA_*} and
 * {@code COSTWATCH_STORAGE_PRICES_FILE}: defaults, overrides and every message they can fail with.
 */
class ConfigLoaderStorageRulesTest {

  private static final String HEADER = "tier,gbMonth,readPer10k,writePer10k,retrievalPerGb,minDays,currency,region,"
      + "redundancy,source,asOf\n";

  @TempDir
  Path dir;

  @Test
  void withoutTheVariablesTheRulesAreStorageRulesDefaultsAndThePricesTheShippedTable() {
    AppConfig config = ConfigLoader.load(Map.of());

    assertEquals(StorageRules.defaults(), config.rules().storage());
    assertNull(config.storagePricesFile());
  }

  @Test
  void eachVariableOverridesItsThresholdAndLeavesTheOthers() {
    AppConfig config = ConfigLoader.load(Map.ofEntries(
        Map.entry("COSTWATCH_EGRESS_MIN_DELTA", "35"),
        Map.entry("COSTWATCH_EGRESS_MIN_PERCENT", "80"),
        Map.entry("COSTWATCH_EGRESS_ROBUST_Z", "4.5"),
        Map.entry("COSTWATCH_EGRESS_SEVERITY_TIERS", "100, 1000, 5000"),
        Map.entry("COSTWATCH_STORAGE_GROWTH_MIN_DELTA", "2.5"),
        Map.entry("COSTWATCH_STORAGE_GROWTH_MIN_PERCENT", "10"),
        Map.entry("COSTWATCH_STORAGE_GROWTH_ROBUST_Z", "3"),
        Map.entry("COSTWATCH_STORAGE_GROWTH_SEVERITY_TIERS", "10,100,500"),
        Map.entry("COSTWATCH_COLD_DATA_MAX_READ_FRACTION", "0.05"),
        Map.entry("COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION", "0.0005"),
        Map.entry("COSTWATCH_COLD_DATA_MB_PER_READ", "1"),
        Map.entry("COSTWATCH_COLD_DATA_MIN_SAVINGS", "100"),
        Map.entry("COSTWATCH_COLD_DATA_MIN_OBSERVED_DAYS", "14"),
        Map.entry("COSTWATCH_COLD_DATA_COOL_AFTER_DAYS", "60"),
        Map.entry("COSTWATCH_COLD_DATA_ARCHIVE_AFTER_DAYS", "365"),
        Map.entry("COSTWATCH_COLD_DATA_SEVERITY_TIERS", "20,200,2000")));

    StorageRules rules = config.rules().storage();
    assertEquals(new SpendRules(28, 7, new BigDecimal("35"), 80, 4.5, tiers("100", "1000", "5000")), rules.egress());
    assertEquals(new SpendRules(28, 7, new BigDecimal("2.5"), 10, 3, tiers("10", "100", "500")),
        rules.storageGrowth());
    assertEquals(new StorageRules.ColdData(28, 14, 0.05, 0.0005, new BigDecimal("1"), new BigDecimal("100"), 60, 365,
        tiers("20", "200", "2000")), rules.coldData());
    assertEquals(config.rules().spend(), ConfigLoader.load(Map.of()).rules().spend(), "the spend rule is separate");
  }

  @Test
  void theVariablesAreAlsoReadFromTheConfigFile() throws IOException {
    Path file = Files.writeString(dir.resolve("costwatch.properties"),
        "COSTWATCH_EGRESS_MIN_DELTA=75\nCOSTWATCH_COLD_DATA_MB_PER_READ=8\n");

    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_CONFIG_FILE", file.toString(),
        "COSTWATCH_COLD_DATA_MB_PER_READ", "2"));

    assertEquals(new BigDecimal("75"), config.rules().storage().egress().minDelta());
    assertEquals(new BigDecimal("2"), config.rules().storage().coldData().assumedMbPerRead(), "the environment wins");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      COSTWATCH_EGRESS_MIN_DELTA                    | -1    | COSTWATCH_EGRESS_MIN_DELTA=-1 is outside 0..1000000000000
      COSTWATCH_EGRESS_MIN_DELTA                    | lots  | COSTWATCH_EGRESS_MIN_DELTA=lots is not a number (allowed 0..1000000000000)
      COSTWATCH_EGRESS_MIN_PERCENT                  | x     | COSTWATCH_EGRESS_MIN_PERCENT=x is not a number (allowed 0..1000000)
      COSTWATCH_EGRESS_ROBUST_Z                     | 101   | COSTWATCH_EGRESS_ROBUST_Z=101 is outside 0..100
      COSTWATCH_EGRESS_SEVERITY_TIERS               | 50,500 | COSTWATCH_EGRESS_SEVERITY_TIERS=50,500 must be three amounts 'medium,high,critical', e.g. 5,25,100
      COSTWATCH_STORAGE_GROWTH_MIN_DELTA            | -5    | COSTWATCH_STORAGE_GROWTH_MIN_DELTA=-5 is outside 0..1000000000000
      COSTWATCH_STORAGE_GROWTH_MIN_PERCENT          | -1    | COSTWATCH_STORAGE_GROWTH_MIN_PERCENT=-1 is outside 0..1000000
      COSTWATCH_STORAGE_GROWTH_ROBUST_Z             | z     | COSTWATCH_STORAGE_GROWTH_ROBUST_Z=z is not a number (allowed 0..100)
      COSTWATCH_STORAGE_GROWTH_SEVERITY_TIERS       | a,b,c | COSTWATCH_STORAGE_GROWTH_SEVERITY_TIERS=a,b,c must be three amounts 'medium,high,critical', e.g. 5,25,100
      COSTWATCH_COLD_DATA_MAX_READ_FRACTION         | 1.5   | COSTWATCH_COLD_DATA_MAX_READ_FRACTION=1.5 is outside 0..1
      COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION | -0.1  | COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION=-0.1 is outside 0..1
      COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION | 0.2   | COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION=0.2 is above COSTWATCH_COLD_DATA_MAX_READ_FRACTION=0.1 (data read too often for Cool cannot suit Archive)
      COSTWATCH_COLD_DATA_MB_PER_READ               | four  | COSTWATCH_COLD_DATA_MB_PER_READ=four is not a number (allowed 0..1000000)
      COSTWATCH_COLD_DATA_MIN_SAVINGS               | -10   | COSTWATCH_COLD_DATA_MIN_SAVINGS=-10 is outside 0..1000000000000
      COSTWATCH_COLD_DATA_MIN_OBSERVED_DAYS         | 29    | COSTWATCH_COLD_DATA_MIN_OBSERVED_DAYS=29 is outside 1..28
      COSTWATCH_COLD_DATA_COOL_AFTER_DAYS           | -1    | COSTWATCH_COLD_DATA_COOL_AFTER_DAYS=-1 is outside 0..36500
      COSTWATCH_COLD_DATA_ARCHIVE_AFTER_DAYS        | 30    | COSTWATCH_COLD_DATA_ARCHIVE_AFTER_DAYS=30 must be greater than COSTWATCH_COLD_DATA_COOL_AFTER_DAYS=30 (a lifecycle policy tiers to Cool before Archive)
      COSTWATCH_COLD_DATA_SEVERITY_TIERS            | 1;2;3 | COSTWATCH_COLD_DATA_SEVERITY_TIERS=1;2;3 must be three amounts 'medium,high,critical', e.g. 5,25,100
      """)
  void anInvalidValueFailsNamingTheVariableAndWhatItAccepts(String variable, String value, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(variable, value)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void aValidPricesFileIsKept() throws IOException {
    Path file = Files.writeString(dir.resolve("storage.csv"), HEADER
        + "Hot,0.02,0.005,0.06,0,0,EUR,westeurope,LRS,contract,2026-12-01\n"
        + "Cool,0.011,0.011,0.11,0.011,30,EUR,westeurope,LRS,contract,2026-12-01\n"
        + "Archive,0.001,6,0.12,0.025,180,EUR,westeurope,LRS,contract,2026-12-01\n");

    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_STORAGE_PRICES_FILE", file.toString()));

    assertEquals(file, config.storagePricesFile());
  }

  @Test
  void aBrokenPricesFileStopsStartUpNamingTheVariableFileAndLine() throws IOException {
    Path file = Files.writeString(dir.resolve("storage.csv"), "# my prices\n" + HEADER
        + "Hot,0.02,0.005,0.06,0,0,EUR,westeurope,LRS,contract,2026-12-01\n"
        + "Cool,cheap,0.011,0.11,0.011,30,EUR,westeurope,LRS,contract,2026-12-01\n");

    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("COSTWATCH_STORAGE_PRICES_FILE", file.toString())));

    assertEquals("COSTWATCH_STORAGE_PRICES_FILE: " + file + " line 4: gbMonth=cheap is not a number", e.getMessage());
  }

  @Test
  void aMissingPricesFileStopsStartUpNamingTheVariableAndFile() {
    Path file = dir.resolve("nowhere.csv");

    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("COSTWATCH_STORAGE_PRICES_FILE", file.toString())));

    assertEquals("COSTWATCH_STORAGE_PRICES_FILE: cannot read storage price file " + file + ": " + file,
        e.getMessage());
  }

  private static SeverityTiers tiers(String medium, String high, String critical) {
    return new SeverityTiers(new BigDecimal(medium), new BigDecimal(high), new BigDecimal(critical));
  }
}
