package io.costwatch.embedded;

import io.costwatch.topology.TopicSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the catalogue's topics explicitly (with partitions and configs); existing topics are left as they are. */
public final class TopicAdmin {

  private TopicAdmin() {
  }

  public static void createMissing(Map<String, Object> clientConfig, List<TopicSpec<?, ?>> topics) {
    Map<String, Object> config = new java.util.HashMap<>(clientConfig);
    config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = topics.stream()
          .filter(t -> !existing.contains(t.name()))
          .map(t -> new NewTopic(t.name(), java.util.Optional.of(t.partitions()), java.util.Optional.empty())
              .configs(t.configs()))
          .collect(Collectors.toList());
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics on " + clientConfig.get("bootstrap.servers") + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
