package io.costwatch.ingest.eventhubs;

import com.azure.storage.blob.BlobUrlParts;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One Event Grid {@code Microsoft.Storage.BlobCreated} event: which blob was written. Event Grid delivers to Event
 * Hubs either a single event or an array of events, in the Event Grid schema ({@code eventType}) or the CloudEvents
 * schema ({@code type}); the blob is taken from {@code data.url}, else from {@code subject}
 * ({@code /blobServices/default/containers/<c>/blobs/<path>}).
 *
 * @param url the blob's URL as given by the event (or rebuilt from the subject), for dead letters and logs
 * @param accountName the storage account of {@code url}, or null when only the subject was given
 */
record BlobNotification(String url, String accountName, String container, String blobName) {

  static final String BLOB_CREATED = "Microsoft.Storage.BlobCreated";
  private static final String SUBJECT_PREFIX = "/blobServices/default/containers/";

  /** True for an export manifest: {@code manifest.json} (improved exports) or {@code _manifest.json} (legacy). */
  boolean isManifest() {
    return blobName.toLowerCase(Locale.ROOT).endsWith("manifest.json");
  }

  /** The manifest's folder inside the container, with a trailing slash, or "" at the container root. */
  String folder() {
    int slash = blobName.lastIndexOf('/');
    return slash < 0 ? "" : blobName.substring(0, slash + 1);
  }

  /**
   * The {@code BlobCreated} events of an event body, or null if the body is not such a notification (so it is
   * translated as rows). Events of other types inside a notification array are skipped; an event whose blob cannot
   * be located is returned with a null {@code container} so that it is dead-lettered.
   */
  static List<BlobNotification> parse(String text) {
    if (text == null || !text.contains(BLOB_CREATED)) {
      return null;
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (root == null || !(root.isObject() || root.isArray())) {
      return null;
    }
    List<JsonNode> events = new ArrayList<>();
    if (root.isArray()) {
      root.forEach(events::add);
    } else {
      events.add(root);
    }
    List<BlobNotification> out = new ArrayList<>();
    boolean any = false;
    for (JsonNode event : events) {
      String type = event.path("eventType").asText(event.path("type").asText(""));
      if (!type.equals(BLOB_CREATED)) {
        continue;
      }
      any = true;
      out.add(of(event.path("data").path("url").asText(""), event.path("subject").asText("")));
    }
    return any ? out : null;
  }

  private static BlobNotification of(String url, String subject) {
    if (!url.isBlank()) {
      try {
        BlobUrlParts parts = BlobUrlParts.parse(url);
        if (parts.getBlobContainerName() != null && parts.getBlobName() != null) {
          return new BlobNotification(url, parts.getAccountName(), parts.getBlobContainerName(),
              parts.getBlobName());
        }
      } catch (RuntimeException e) {
        // fall back to the subject
      }
    }
    if (subject.startsWith(SUBJECT_PREFIX)) {
      String rest = subject.substring(SUBJECT_PREFIX.length());
      int blobs = rest.indexOf("/blobs/");
      if (blobs > 0) {
        String container = rest.substring(0, blobs);
        String blob = rest.substring(blobs + "/blobs/".length());
        return new BlobNotification(url.isBlank() ? subject : url, null, container, blob);
      }
    }
    return new BlobNotification(url.isBlank() ? subject : url, null, null, "");
  }
}
