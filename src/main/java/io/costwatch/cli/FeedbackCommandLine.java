package io.costwatch.cli;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.lifecycle.Feedback;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.topology.FeedbackCommand;
import io.costwatch.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Tells Costwatch what an alert means to the team. The alert is found in the compacted alert-state topic, and the
 * feedback is published to the feedback topic keyed by its fingerprint, where the running pipeline applies it
 * within seconds (it is kept in the alert state store, so it survives restarts).
 */
@Command(name = "feedback", mixinStandardHelpOptions = true,
    description = "Acknowledge, snooze, mark EXPECTED (a planned run) or FALSE_POSITIVE an alert, by alert id or "
        + "for every alert of a scope.")
final class FeedbackCommandLine implements Callable<Integer> {

  @Parameters(index = "0", description = "ack | snooze | expected | false-positive | unsuppress")
  String action;

  @ArgGroup(multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--alert", description = "The alertId, as in the alert event.")
    String alertId;

    @Option(names = "--scope", description = "A resource id: every known alert of it and of resources under it.")
    String scope;
  }

  @Option(names = "--for", converter = DurationConverter.class,
      description = "How long a snooze or mark lasts: 4h, 30m, 7d or ISO-8601 (PT4H, P7D).")
  Duration duration;

  @Option(names = "--by", description = "Who gives the feedback (kept with it).", defaultValue = "${sys:user.name}")
  String by;

  @Option(names = "--note", description = "Why, in a few words.")
  String note;

  @Override
  public Integer call() throws Exception {
    Feedback.Kind kind = kind(action);
    if (kind == Feedback.Kind.SNOOZE && duration == null) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "snooze needs --for");
    }
    AppConfig config = ConfigLoader.fromEnvironment();
    Instant now = Instant.now();
    Feedback feedback = new Feedback(kind, duration == null ? null : now.plus(duration), now, by, note);
    try (KafkaConnection kafka = KafkaConnection.clientOnly(config)) {
      Map<String, AlertEvent> alerts = TopicSnapshot.latest(kafka, Topics.ALERT_STATE);
      List<AlertEvent> targets = alerts.values().stream().filter(this::matches).toList();
      if (targets.isEmpty()) {
        System.err.println("costwatch feedback: no alert " + (target.alertId != null ? "with id " + target.alertId
            : "under " + target.scope) + " in " + Topics.ALERT_STATE.name() + " (" + alerts.size() + " alerts known)");
        return 1;
      }
      Map<String, AlertEvent> byFingerprint = new LinkedHashMap<>();
      targets.forEach(a -> byFingerprint.put(a.episode().fingerprint(), a));
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(StreamsRuntime.producerConfig(kafka),
          new StringSerializer(), new ByteArraySerializer())) {
        for (Map.Entry<String, AlertEvent> e : byFingerprint.entrySet()) {
          FeedbackCommand command = new FeedbackCommand(FeedbackCommand.SCHEMA_VERSION, e.getKey(),
              e.getValue().alertId(), feedback);
          producer.send(new ProducerRecord<>(Topics.FEEDBACK.name(), e.getKey(),
              Topics.FEEDBACK.valueSerde().serializer().serialize(Topics.FEEDBACK.name(), command))).get();
          System.out.printf("feedback %s%s for %s (%s)%n", kind, feedback.until() == null ? ""
              : " until " + feedback.until(), e.getValue().alertId(), e.getKey());
        }
      }
    }
    return 0;
  }

  private boolean matches(AlertEvent alert) {
    if (alert.episode() == null) {
      return false;
    }
    if (target.alertId != null) {
      return alert.alertId().equals(target.alertId);
    }
    return alert.resourceId().startsWith(target.scope.trim().toLowerCase(Locale.ROOT));
  }

  static Feedback.Kind kind(String action) {
    return switch (action.toLowerCase(Locale.ROOT)) {
      case "ack", "acknowledge" -> Feedback.Kind.ACKNOWLEDGE;
      case "snooze" -> Feedback.Kind.SNOOZE;
      case "expected" -> Feedback.Kind.EXPECTED;
      case "false-positive", "fp" -> Feedback.Kind.FALSE_POSITIVE;
      case "unsuppress" -> Feedback.Kind.UNSUPPRESS;
      default -> throw new io.costwatch.config.ConfigException("feedback action '" + action
          + "' is not one of ack, snooze, expected, false-positive, unsuppress");
    };
  }
}
