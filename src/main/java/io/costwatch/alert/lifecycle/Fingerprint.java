package io.costwatch.alert.lifecycle;

import io.costwatch.detect.Finding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A finding's identity without its window: the same waste on the same resource in the same currency, however many
 * windows it lasts. It keys the lifecycle state (and the compacted state topic), so it is never derived from time.
 */
public record Fingerprint(String type, String resourceId, String currency) {

  /** The finding's fingerprint; its type is {@code FindingType#fingerprintType()} (GPU idle and under-use share one). */
  public static Fingerprint of(Finding finding) {
    return new Fingerprint(finding.type().fingerprintType(), finding.scope().resourceId(), finding.impact().currency());
  }

  /** The state-store and topic key: {@code type|resourceId|currency}. */
  public String key() {
    return type + "|" + resourceId + "|" + currency;
  }

  /**
   * The stable id of the episode that started at {@code episodeStart} (the window start of its first finding). It is
   * the same hash {@code AlertFactory} gives that first window, so per-window and lifecycle ids agree on it.
   */
  public String alertId(Instant episodeStart) {
    String identity = key() + "|" + episodeStart;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return "cw-" + type.toLowerCase(Locale.ROOT).replace('_', '-') + "-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
