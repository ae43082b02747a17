package io.costwatch.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A user's Blob tier price table ({@code COSTWATCH_STORAGE_PRICES_FILE}) and the errors a broken one gives. */
class BlobTierPricesTest {

  private static final String HEADER = "tier,gbMonth,readPer10k,writePer10k,retrievalPerGb,minDays,currency,region,"
      + "redundancy,source,asOf";
  private static final String HOT = "Hot,0.0208,0.0052,0.065,0,0,EUR,westeurope,LRS,EA price sheet,2026-12-01";
  private static final String COOL = "Cool,0.0115,0.013,0.13,0.0115,30,EUR,westeurope,LRS,EA price sheet,2026-12-01";
  private static final String ARCHIVE = "Archive,0.0011,6.2,0.13,0.025,180,EUR,westeurope,LRS,EA price sheet,"
      + "2026-12-01";

  @TempDir
  Path dir;

  @Test
  void anOverrideFileReplacesTheShippedTable() throws IOException {
    Path file = write("# West Europe, from our price sheet", "", HEADER, HOT, COOL, ARCHIVE);

    BlobTierPrices prices = BlobTierPrices.fromFile(file);

    assertEquals(new BlobTierPrices.Tier("Hot", new BigDecimal("0.0208"), new BigDecimal("0.0052"),
        new BigDecimal("0.065"), BigDecimal.ZERO, 0, "EUR", "westeurope", "LRS", "EA price sheet", "2026-12-01"),
        prices.hot());
    assertEquals(new BigDecimal("0.0115"), prices.cool().gbMonth());
    assertEquals(new BigDecimal("6.2"), prices.archive().readPer10k());
    assertTrue(prices.find("cold").isEmpty(), "not merged with the shipped rows: the file has no Cold row");
    assertEquals(BlobTierPrices.shipped().hot(), BlobTierPrices.fromFileOrShipped(null).hot());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not a number   | Cool,cheap,0.013,0.13,0.0115,30,EUR,westeurope,LRS,s,a       | line 5: gbMonth=cheap is not a number
      negative       | Cool,0.0115,-0.013,0.13,0.0115,30,EUR,westeurope,LRS,s,a     | line 5: readPer10k=-0.013 is negative
      days           | Cool,0.0115,0.013,0.13,0.0115,thirty,EUR,westeurope,LRS,s,a  | line 5: minDays=thirty is not a whole number of days
      short row      | Cool,0.0115,0.013,0.13,0.0115,30,EUR                         | line 5: no value in column region
      empty value    | Cool,0.0115,0.013,0.13,0.0115,30,,westeurope,LRS,s,a         | line 5: no value in column currency
      duplicate tier | HOT,0.0208,0.0052,0.065,0,0,EUR,westeurope,LRS,s,a           | line 5: tier HOT appears twice
      """)
  void aBrokenRowNamesTheFileAndItsLine(String label, String row, String message) throws IOException {
    Path file = write("# comment", "", HEADER, HOT, row, ARCHIVE);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlobTierPrices.fromFile(file));

    assertEquals(file + " " + message, e.getMessage());
  }

  @Test
  void aMissingColumnNamesTheFileAndTheHeaderLine() throws IOException {
    Path file = write("# comment", HEADER.replace(",retrievalPerGb", "").replace(",asOf", ""), HOT, COOL, ARCHIVE);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlobTierPrices.fromFile(file));

    assertEquals(file + " line 2: header has no column retrievalPerGb, asOf (expected " + HEADER + ")",
        e.getMessage());
  }

  @Test
  void aMissingTierNamesTheFileAndTheTier() throws IOException {
    Path file = write(HEADER, HOT, ARCHIVE);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlobTierPrices.fromFile(file));

    assertEquals(file + " has no cool row (needs hot, cool and archive)", e.getMessage());
  }

  @Test
  void aFreeHotTierIsRejectedBecauseEveryTierIsARatioToIt() throws IOException {
    Path file = write(HEADER, HOT.replace("0.0208", "0"), COOL, ARCHIVE);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlobTierPrices.fromFile(file));

    assertEquals(file + ": the hot row's gbMonth must be positive (every tier is priced as a ratio to it)",
        e.getMessage());
  }

  @Test
  void theShippedTableStillLoads() {
    BlobTierPrices prices = BlobTierPrices.shipped();

    assertEquals(new BigDecimal("0.018"), prices.hot().gbMonth());
    assertSame(prices.find("COLD").orElseThrow(), prices.find("cold").orElseThrow());
  }

  private Path write(String... lines) throws IOException {
    return Files.writeString(dir.resolve("storage-prices.csv"), String.join("\n", lines) + "\n");
  }
}
