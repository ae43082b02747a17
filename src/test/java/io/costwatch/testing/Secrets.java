package io.costwatch.testing;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random secret values that cannot occur by chance in a log, so a test can grep for them. */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {
  }

  public static String random(String prefix) {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }
}
