package io.costwatch.alert.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures per the Standard Webhooks specification: {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "{webhook-id}.{webhook-timestamp}.{body}">}. A secret written {@code whsec_<base64>} is base64-decoded to the key;
 * any other secret is used as its UTF-8 bytes. Receivers reject timestamps outside a tolerance (5 minutes by
 * default), which bounds replays.
 */
public final class StandardWebhooks {

  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";
  public static final String SECRET_PREFIX = "whsec_";
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private StandardWebhooks() {
  }

  /** The HMAC key of a configured secret: the base64 after {@code whsec_}, else the secret's bytes. */
  public static byte[] key(byte[] secret) {
    String text = new String(secret, StandardCharsets.UTF_8);
    if (text.startsWith(SECRET_PREFIX)) {
      try {
        return Base64.getDecoder().decode(text.substring(SECRET_PREFIX.length()).trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the webhook secret (COSTWATCH_WEBHOOK_SECRET or _FILE) starts with "
            + SECRET_PREFIX + " but the rest is not base64", e);
      }
    }
    return secret.clone();
  }

  /** {@code v1,<base64 signature>} of one message. */
  public static String sign(byte[] key, String id, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
    }
  }

  /**
   * For receivers written in Java: true when the timestamp is within {@code tolerance} of {@code now} and one of the
   * space-separated signatures of the header matches (constant-time comparison).
   */
  public static boolean verify(byte[] key, String id, String timestamp, byte[] body, String signatures,
      Instant now, Duration tolerance) {
    if (id == null || timestamp == null || signatures == null) {
      return false;
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
      return false;
    }
    byte[] expected = sign(key, id, seconds, body).getBytes(StandardCharsets.US_ASCII);
    return Arrays.stream(signatures.trim().split(" +")).anyMatch(s -> MessageDigest.isEqual(expected,
        s.getBytes(StandardCharsets.US_ASCII)));
  }
}
