package io.costwatch.eval;

import io.costwatch.detect.SeverityTiers;
import io.costwatch.detect.SpendRules;
import io.costwatch.detect.spend.HourlyRules;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of one evaluation run, from {@code [dataDir] [output] [--name=value ...]}; every threshold of the rule
 * can be overridden so a team can tune against its own tolerance for pages.
 *
 * @param msDailySpend each ms-cloud-monitoring series is rescaled so that the median of its positive values in the
 *     warm-up (never scored) equals this spend per day; the series' units are otherwise meaningless as money
 * @param msDaily evaluate the ms-cloud-monitoring series per day instead of per hour
 * @param naiveSigmas the naive baseline flags a point above mean + this many standard deviations
 */
public record EvalConfig(Path dataDir, Path output, SpendRules rules, HourlyRules hourly, boolean msDaily,
    double msDailySpend, long seed, int scenarios, int days, double naiveSigmas) {

  public static final String USAGE = """
      SpendEvaluation [dataDir=../shared/data/series/ms-cloud-monitoring] [output=target/spend-eval.md]
        --lookback-days=28 --min-history-days=7 --min-delta=50 --min-percent=50 --robust-z=3.5
        --hourly-lookback-hours=336 --hourly-min-history-hours=72 --hourly-min-delta=<min-delta/24>
        --ms-cadence=hourly|daily --ms-daily-spend=2400 --seed=42 --scenarios=60 --days=120 --naive-sigmas=3
      output ending in .json writes JSON, anything else Markdown""";

  private static final List<String> KNOWN = List.of("lookback-days", "min-history-days", "min-delta",
      "min-percent", "robust-z", "hourly-lookback-hours", "hourly-min-history-hours", "hourly-min-delta",
      "ms-cadence", "ms-daily-spend", "seed", "scenarios", "days", "naive-sigmas");

  public static EvalConfig parse(String... args) {
    List<String> positional = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("option without value: " + arg + "\n" + USAGE);
        }
        options.put(arg.substring(2, eq).toLowerCase(Locale.ROOT), arg.substring(eq + 1));
      } else {
        positional.add(arg);
      }
    }
    SpendRules d = SpendRules.defaults();
    SpendRules rules = new SpendRules(integer(options, "lookback-days", d.lookbackDays()),
        integer(options, "min-history-days", d.minHistoryDays()),
        new BigDecimal(options.getOrDefault("min-delta", d.minDelta().toPlainString())),
        decimal(options, "min-percent", d.minPercent()), decimal(options, "robust-z", d.robustZ()),
        d.dailyTiers());
    HourlyRules h = HourlyRules.from(rules);
    SeverityTiers tiers = h.hourlyTiers();
    HourlyRules hourly = new HourlyRules(integer(options, "hourly-lookback-hours", h.lookbackHours()),
        integer(options, "hourly-min-history-hours", h.minHistoryHours()),
        new BigDecimal(options.getOrDefault("hourly-min-delta", h.minDelta().toPlainString())), h.minPercent(),
        h.robustZ(), tiers);
    String cadence = options.getOrDefault("ms-cadence", "hourly");
    if (!cadence.equals("hourly") && !cadence.equals("daily")) {
      throw new IllegalArgumentException("--ms-cadence must be hourly or daily, was " + cadence);
    }
    int days = integer(options, "days", 120);
    if (days < 35) {
      throw new IllegalArgumentException("--days must be at least 35, was " + days);
    }
    List<String> unknown = new ArrayList<>(options.keySet());
    unknown.removeAll(KNOWN);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + unknown + "\n" + USAGE);
    }
    return new EvalConfig(Path.of(positional.size() > 0 ? positional.get(0) : "../shared/data/series/ms-cloud-monitoring"),
        Path.of(positional.size() > 1 ? positional.get(1) : "target/spend-eval.md"), rules, hourly,
        cadence.equals("daily"), decimal(options, "ms-daily-spend", 2400), Long.parseLong(
        options.getOrDefault("seed", "42")), integer(options, "scenarios", 60), days, decimal(options, "naive-sigmas", 3));
  }

  private static int integer(Map<String, String> options, String name, int fallback) {
    return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
  }

  private static double decimal(Map<String, String> options, String name, double fallback) {
    return options.containsKey(name) ? Double.parseDouble(options.get(name)) : fallback;
  }
}
