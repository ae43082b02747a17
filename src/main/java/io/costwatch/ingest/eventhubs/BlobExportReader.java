package io.costwatch.ingest.eventhubs;

import com.azure.core.util.BinaryData;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import io.costwatch.ingest.billing.ExportReader;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.ExportsBlob;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Reads a Cost Management export from Blob Storage when its manifest's {@code BlobCreated} notification arrives:
 * the manifest ({@code manifest.json} or legacy {@code _manifest.json}), then every blob it lists, streamed row by
 * row (CSV or gzip CSV, in bounded memory: the SDK's blob input stream reads 4 MiB ranges) into
 * {@link RawBillingRow}s.
 *
 * <p>The CSV handling mirrors {@code io.costwatch.ingest.billing.ExportReader} (header row, physical 1-based line
 * numbers, UTF-8 BOM, gzip by magic bytes or {@code .gz}, blank lines skipped, a row whose value count differs from
 * the header's carries {@link RawBillingRow#error()}); that reader only opens local paths, hence the copy.
 *
 * <p>Transient storage errors are retried by the SDK's retry policy (exponential, 4 tries by default). What is still
 * wrong afterwards goes to the {@link Sink} as a dead letter naming the blob URL; blobs that are not manifests are
 * {@linkplain Sink#ignored ignored} (the export writes its data blobs before its manifest).
 */
final class BlobExportReader {

  /** Where the rows and problems of one notification go. A Kafka failure thrown from here aborts the read. */
  interface Sink {
    void row(RawBillingRow row);

    /** Every row of {@code exportRun} was given to {@link #row}: no blob of the manifest failed. */
    default void runEnd(String exportRun) {
    }

    /** @param source the blob URL the problem is about */
    void deadLetter(String source, String reason, String detail);

    /** A notification for a blob that is not a manifest. */
    void ignored(BlobNotification notification);
  }


  private final BlobServiceClient service;

  BlobExportReader(BlobServiceClient service) {
    this.service = service;
  }

  /** A reader for the configured export account; the message of a failure names the variable, never the secret. */
  static BlobExportReader create(ExportsBlob config) {
    try {
      BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
      if (config.connectionString() != null) {
        builder.connectionString(config.connectionString());
      } else {
        builder.endpoint(config.accountUrl()).credential(new DefaultAzureCredentialBuilder().build());
      }
      return new BlobExportReader(builder.buildClient());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(config.setting() + " is invalid: " + e.getClass().getSimpleName(), e);
    }
  }

  /** Reads the export whose manifest {@code notification} announces; other blobs are ignored. */
  void read(BlobNotification notification, Sink sink) {
    if (notification.container() == null) {
      sink.deadLetter(notification.url(), "blob-notification-invalid",
          "BlobCreated event without a usable data.url or subject");
      return;
    }
    if (!notification.isManifest()) {
      sink.ignored(notification);
      return;
    }
    String account = service.getAccountName();
    if (notification.accountName() != null && account != null
        && !notification.accountName().equalsIgnoreCase(account)) {
      sink.deadLetter(notification.url(), "blob-account-mismatch", "the manifest is in storage account '"
          + notification.accountName() + "', the bridge reads '" + account + "' (" + EventHubsBridgeConfig
          .EXPORTS_BLOB_CONNECTION_STRING + " / " + EventHubsBridgeConfig.EXPORTS_BLOB_ACCOUNT_URL + ")");
      return;
    }
    BlobContainerClient container = service.getBlobContainerClient(notification.container());
    BlobClient manifestBlob = container.getBlobClient(notification.blobName());
    String manifestUrl = notification.url();
    JsonNode manifest;
    try {
      BinaryData content = manifestBlob.downloadContent();
      manifest = Json.MAPPER.readTree(content.toBytes());
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404) {
        sink.deadLetter(manifestUrl, "manifest-not-found", "the manifest blob does not exist (" + e.getErrorCode()
            + ")");
      } else {
        sink.deadLetter(manifestUrl, "storage-error", "reading the manifest failed with HTTP " + e.getStatusCode()
            + " " + e.getErrorCode());
      }
      return;
    } catch (IOException e) {
      sink.deadLetter(manifestUrl, "manifest-not-json", e instanceof JsonProcessingException j
          ? j.getOriginalMessage() : e.toString());
      return;
    } catch (RuntimeException e) {
      sink.deadLetter(manifestUrl, "storage-error", "reading the manifest failed: " + e);
      return;
    }
    if (manifest == null || !manifest.isObject()) {
      sink.deadLetter(manifestUrl, "manifest-not-json", "the manifest is not a JSON object");
      return;
    }
    String runId = manifest.path("runInfo").path("runId").asText("");
    String exportRun = runId.isBlank() ? notification.container() + "/" + notification.blobName() : runId;

    List<BlobClient> blobs = new ArrayList<>();
    for (JsonNode entry : manifest.path("blobs")) {
      String blobName = entry.path("blobName").asText("");
      if (blobName.isBlank()) {
        sink.deadLetter(manifestUrl, "manifest-invalid", "the manifest lists a blob without blobName");
        return;
      }
      BlobClient blob;
      try {
        blob = locate(container, notification, blobName);
      } catch (BlobStorageException e) {
        sink.deadLetter(manifestUrl, "storage-error", "looking up " + blobName + " failed with HTTP "
            + e.getStatusCode() + " " + e.getErrorCode());
        return;
      } catch (RuntimeException e) {
        sink.deadLetter(manifestUrl, "storage-error", "looking up " + blobName + " failed: " + e);
        return;
      }
      if (blob == null) {
        sink.deadLetter(manifestUrl, "manifest-blob-missing", "the manifest lists " + blobName
            + ", which exists neither at " + container.getBlobClient(blobName).getBlobUrl() + " nor at "
            + container.getBlobClient(sibling(notification, blobName)).getBlobUrl());
        return;
      }
      blobs.add(blob);
    }
    boolean complete = true;
    for (BlobClient blob : blobs) {
      complete &= stream(blob, exportRun, sink);
    }
    if (complete) {
      sink.runEnd(exportRun);
    }
  }

  /**
   * The listed blob by its full name in the manifest's container, else by its file name next to the manifest (as
   * {@code ExportSources} does for local copies); null if neither exists.
   */
  private static BlobClient locate(BlobContainerClient container, BlobNotification manifest, String blobName) {
    BlobClient full = container.getBlobClient(blobName);
    if (full.exists()) {
      return full;
    }
    BlobClient local = container.getBlobClient(sibling(manifest, blobName));
    return local.exists() ? local : null;
  }

  private static String sibling(BlobNotification manifest, String blobName) {
    return manifest.folder() + blobName.substring(blobName.lastIndexOf('/') + 1);
  }

  /** True when every row of the blob was read. */
  private static boolean stream(BlobClient blob, String exportRun, Sink sink) {
    String url = blob.getBlobUrl();
    try (InputStream in = blob.openInputStream()) {
      ExportReader.readStream(in, blob.getBlobName(), url, exportRun, sink::row);
      return true;
    } catch (BlobStorageException e) {
      sink.deadLetter(url, "blob-unreadable", "reading the blob failed with HTTP " + e.getStatusCode() + " "
          + e.getErrorCode() + "; the rows before it were published");
      return false;
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      sink.deadLetter(url, "blob-unreadable", "reading the blob failed " + e.getMessage()
          + "; the rows before it were published");
      return false;
    } catch (KafkaException e) {
      throw e; // the bridge retries the whole batch
    } catch (RuntimeException e) {
      sink.deadLetter(url, "blob-unreadable", "reading the blob failed: " + e + "; the rows before it were published");
      return false;
    }
  }
}
