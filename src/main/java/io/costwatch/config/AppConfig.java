package io.costwatch.config;

import io.costwatch.alert.owners.OwnerSettings;
import io.costwatch.core.CostBasis;
import io.costwatch.core.Plausibility;
import io.costwatch.core.ResourceLinks;
import io.costwatch.detect.ScopedSpendRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The whole configuration, immutable, built by {@link ConfigLoader} from the environment (and an optional
 * properties file). Secrets stay inside {@code kafka} and are masked by {@link #toString()}.
 *
 * @param kafka client properties from {@code KAFKA_*} variables; without {@code bootstrap.servers} the embedded
 *     broker is used
 * @param metricsWindow telemetry window size
 * @param metricsGrace how late a telemetry record may arrive and still count in its window
 * @param billingLateness how long after a day ends its spend is evaluated (billing data lags 8-24 h)
 * @param billingSettle how long no billing change must arrive before ready days are judged and corrected ones judged
 *     again (wall clock); zero in bounded runs, which judge at their end-of-input marker only
 * @param spendBasis which cost basis the spend detector watches; rows of the other basis are counted and skipped,
 *     because actual and amortized exports describe the same money twice
 * @param computeSkus {@code workspace/compute -> VM size}, for pricing telemetry
 * @param defaultVmSize size assumed for scopes whose size is unknown
 * @param pricesFile a user's price table overriding the shipped one, or null
 * @param storagePricesFile a user's Blob tier price table replacing the shipped one (validated by the loader), or null
 * @param spendRules the spend-spike thresholds per scope; its defaults are {@code rules().spend()}
 * @param resourceLinks resources billed outside a workspace's id (storage, registry, key vault) counted as its spend
 * @param metricsIdleTimeout wall-clock time after a scope's latest telemetry record at which its open windows close
 *     although its own event time has not passed them (quiet scopes, quiet partitions)
 * @param metricsMaxAhead how far after the wall clock a telemetry record may be stamped; later ones are dead letters
 * @param owners which tags name an alert's team, owner and cost center, and the team of untagged workspaces
 */
public record AppConfig(
    Map<String, Object> kafka,
    String applicationId,
    Path stateDir,
    Path embeddedDataDir,
    int embeddedPort,
    String processingGuarantee,
    Duration metricsWindow,
    Duration metricsGrace,
    Duration billingLateness,
    Duration billingSettle,
    CostBasis spendBasis,
    DetectorRules rules,
    Map<String, String> computeSkus,
    String defaultVmSize,
    Path pricesFile,
    Path storagePricesFile,
    String httpHost,
    int httpPort,
    int workspaceLabelCap,
    ScopedSpendRules spendRules,
    ResourceLinks resourceLinks,
    Plausibility plausibility,
    Duration metricsIdleTimeout,
    Duration metricsMaxAhead,
    OwnerSettings owners) {

  public boolean embedded() {
    return !kafka.containsKey("bootstrap.servers");
  }

  public AppConfig withKafka(Map<String, Object> properties) {
    return new AppConfig(properties, applicationId, stateDir, embeddedDataDir, embeddedPort, processingGuarantee,
        metricsWindow, metricsGrace, billingLateness, billingSettle, spendBasis, rules, computeSkus, defaultVmSize, pricesFile, storagePricesFile, httpHost,
        httpPort, workspaceLabelCap, spendRules, resourceLinks, plausibility, metricsIdleTimeout, metricsMaxAhead, owners);
  }

  public AppConfig withApplication(String id, Path state) {
    return new AppConfig(kafka, id, state, embeddedDataDir, embeddedPort, processingGuarantee, metricsWindow,
        metricsGrace, billingLateness, billingSettle, spendBasis, rules, computeSkus, defaultVmSize, pricesFile, storagePricesFile, httpHost, httpPort,
        workspaceLabelCap, spendRules, resourceLinks, plausibility, metricsIdleTimeout, metricsMaxAhead, owners);
  }

  public AppConfig withBillingSettle(Duration value) {
    return new AppConfig(kafka, applicationId, stateDir, embeddedDataDir, embeddedPort, processingGuarantee,
        metricsWindow, metricsGrace, billingLateness, value, spendBasis, rules, computeSkus, defaultVmSize, pricesFile,
        storagePricesFile, httpHost, httpPort, workspaceLabelCap, spendRules, resourceLinks, plausibility, metricsIdleTimeout, metricsMaxAhead, owners);
  }

  public AppConfig withComputeSkus(Map<String, String> skus) {
    return new AppConfig(kafka, applicationId, stateDir, embeddedDataDir, embeddedPort, processingGuarantee,
        metricsWindow, metricsGrace, billingLateness, billingSettle, spendBasis, rules, skus, defaultVmSize, pricesFile, storagePricesFile, httpHost,
        httpPort, workspaceLabelCap, spendRules, resourceLinks, plausibility, metricsIdleTimeout, metricsMaxAhead, owners);
  }

  public AppConfig withMetricsIdleTimeout(Duration value) {
    return new AppConfig(kafka, applicationId, stateDir, embeddedDataDir, embeddedPort, processingGuarantee,
        metricsWindow, metricsGrace, billingLateness, billingSettle, spendBasis, rules, computeSkus, defaultVmSize,
        pricesFile, storagePricesFile, httpHost, httpPort, workspaceLabelCap, spendRules, resourceLinks, plausibility, value,
        metricsMaxAhead, owners);
  }

  @Override
  public String toString() {
    return "AppConfig[kafka=" + Redaction.maskKafkaProperties(kafka) + ", applicationId=" + applicationId + ", stateDir=" + stateDir
        + ", processingGuarantee=" + processingGuarantee + ", metricsWindow=" + metricsWindow + ", metricsGrace="
        + metricsGrace + ", metricsIdleTimeout=" + metricsIdleTimeout + ", metricsMaxAhead=" + metricsMaxAhead
        + ", billingLateness=" + billingLateness + ", billingSettle=" + billingSettle + ", spendBasis=" + spendBasis + ", rules=" + rules
        + ", spendRules=" + spendRules + ", resourceLinks=" + resourceLinks + ", computeSkus=" + computeSkus
        + ", defaultVmSize=" + defaultVmSize + ", owners=" + owners + ", http=" + httpHost + ":"
        + httpPort + "]";
  }
}
