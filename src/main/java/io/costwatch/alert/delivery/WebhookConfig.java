package io.costwatch.alert.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where and how to post alert events. The secret never appears in {@link #toString()}.
 *
 * @param maxAttempts attempts per event, the first included (1 = no retry)
 * @param requestTimeout bound on each attempt, so a hanging endpoint costs at most
 *     {@code maxAttempts x (requestTimeout + maxBackoff)} per event
 */
public record WebhookConfig(URI url, byte[] secret, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
    Duration requestTimeout) {

  public WebhookConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(secret, "secret");
    if (secret.length == 0) {
      throw new IllegalArgumentException("the webhook secret must not be empty");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    }
    secret = secret.clone();
    new Backoff(initialBackoff, maxBackoff);
    Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  /** 5 attempts, 1 s doubling to at most 60 s, 10 s per request. */
  public static WebhookConfig of(URI url, byte[] secret) {
    return new WebhookConfig(url, secret, 5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(10));
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  Backoff backoff() {
    return new Backoff(initialBackoff, maxBackoff);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookConfig c && url.equals(c.url) && Arrays.equals(secret, c.secret)
        && maxAttempts == c.maxAttempts && initialBackoff.equals(c.initialBackoff) && maxBackoff.equals(c.maxBackoff)
        && requestTimeout.equals(c.requestTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, Arrays.hashCode(secret), maxAttempts, initialBackoff, maxBackoff,
        requestTimeout);
  }

  @Override
  public String toString() {
    return "WebhookConfig[url=" + io.costwatch.config.Redaction.mask(url.toString()) + ", secret=***, maxAttempts=" + maxAttempts + ", initialBackoff="
        + initialBackoff + ", maxBackoff=" + maxBackoff + ", requestTimeout=" + requestTimeout + "]";
  }
}
