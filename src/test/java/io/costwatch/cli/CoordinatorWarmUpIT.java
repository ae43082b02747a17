package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.junit.jupiter.api.Test;

class CoordinatorWarmUpIT {

  @Test
  void aFreshBrokerHasItsTransactionStateLogOnceTheWarmUpIsDone() throws Exception {
    try (EmbeddedKafka broker = EmbeddedKafka.startTemporary()) {
      Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
      assertFalse(internalTopics(client).contains("__transaction_state"), "a fresh broker has no transaction log yet");

      Thread warmUp = CoordinatorWarmUp.start(client);
      warmUp.join(Duration.ofSeconds(60).toMillis());

      assertFalse(warmUp.isAlive(), "initTransactions returned within its 60 s max.block.ms");
      assertTrue(internalTopics(client).contains("__transaction_state"),
          "the broker created its transaction state log for the warm-up's producer");
    }
  }

  private static Set<String> internalTopics(Map<String, Object> client) throws Exception {
    try (Admin admin = Admin.create(client)) {
      return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    }
  }
}
