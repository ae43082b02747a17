package io.costwatch.alert.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where Alertmanager is and how firing alerts are kept alive there.
 *
 * @param baseUrl e.g. {@code http://alertmanager:9093}; alerts go to {@code {baseUrl}/api/v2/alerts}
 * @param runbookBaseUrl prefix of {@code runbook_url}; the alert type in kebab case (the section anchor of
 *     docs/runbooks.md) is appended, after a {@code /} unless the prefix ends with {@code /} or {@code #}
 * @param generatorBaseUrl prefix of {@code generatorURL}; the alert id is appended; null to leave it out
 * @param resendTtl a firing alert is posted with {@code endsAt = now + resendTtl}; re-send well within it (Prometheus
 *     uses four times its re-send interval) so that Alertmanager does not resolve it between re-sends, while a
 *     crashed Costwatch lets its alerts expire rather than fire forever
 * @param requestTimeout bound on each POST
 */
public record AlertmanagerConfig(URI baseUrl, String runbookBaseUrl, String generatorBaseUrl, Duration resendTtl,
    Duration requestTimeout) {

  /**
   * Default {@code runbook_url} prefix: the runbooks' path inside the repository, one section per alert type. Set
   * {@code COSTWATCH_RUNBOOK_BASE_URL} to where the docs are served.
   */
  public static final String DEFAULT_RUNBOOK_BASE_URL = "docs/runbooks.md#";

  public AlertmanagerConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(runbookBaseUrl, "runbookBaseUrl");
    if (resendTtl.isNegative() || resendTtl.isZero()) {
      throw new IllegalArgumentException("resendTtl must be > 0, was " + resendTtl);
    }
    Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  /** Re-send TTL of 4 minutes (for a 60 s re-send cadence), 10 s per request. */
  public static AlertmanagerConfig of(URI baseUrl, String runbookBaseUrl) {
    return new AlertmanagerConfig(baseUrl, runbookBaseUrl, null, Duration.ofMinutes(4), Duration.ofSeconds(10));
  }

  URI alertsUrl() {
    String base = baseUrl.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts");
  }
}
