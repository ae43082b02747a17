package io.costwatch.alert.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Costwatch-Signature} values: {@code sha256=} and the hex HMAC-SHA256 of the exact body bytes, keyed with the
 * configured secret's bytes as written. Deprecated for receivers: it carries no timestamp, so it cannot bound replays;
 * verify {@code webhook-signature} ({@link StandardWebhooks}) instead. Still sent so existing receivers keep working.
 */
public final class Signatures {

  public static final String HEADER = "X-Costwatch-Signature";

  private Signatures() {
  }

  public static String sign(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
    }
  }

  /** Constant-time check of a received header against the body, for receivers written in Java. */
  public static boolean verify(byte[] secret, byte[] body, String header) {
    if (header == null) {
      return false;
    }
    return MessageDigest.isEqual(sign(secret, body).getBytes(StandardCharsets.US_ASCII),
        header.getBytes(StandardCharsets.US_ASCII));
  }
}
