package io.costwatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.Utils;

/**
 * The temporary directories of {@code demo} and {@code replay} (the throw-away broker's log and the Streams state):
 * each carries an {@code owner.pid} file naming the process that made it, is deleted when its run closes, by a
 * shutdown hook on SIGTERM/SIGINT (a timeout, Ctrl-C), and, when a process died without either (SIGKILL, power
 * loss), by the next run, which removes every such directory whose owner is no longer alive.
 */
final class WorkDirs {

  static final String PID_FILE = "owner.pid";
  /** Name prefixes of the directories this class manages (and may remove as leftovers). */
  static final List<String> PREFIXES = List.of("costwatch-kafka-", "costwatch-replay-state-", "costwatch-demo-state-");

  private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();
  private static final List<AutoCloseable> CLOSERS = new CopyOnWriteArrayList<>();
  private static final AtomicBoolean HOOKED = new AtomicBoolean();

  private WorkDirs() {
  }

  /** The default root: {@code java.io.tmpdir}. */
  static Path defaultRoot() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Creates {@code root/prefix<random>} with an owner file, deleted at exit or on SIGTERM/SIGINT if still there. */
  static Path create(Path root, String prefix) throws IOException {
    Files.createDirectories(root);
    Path dir = Files.createTempDirectory(root, prefix);
    ProcessHandle self = ProcessHandle.current();
    Files.writeString(dir.resolve(PID_FILE), self.pid() + "\n" + self.info().startInstant().map(Instant::toString)
        .orElse("") + "\n", StandardCharsets.UTF_8);
    OWNED.add(dir);
    hook();
    return dir;
  }

  /** Deletes a directory made by {@link #create} now (its run closed normally). */
  static void release(Path dir) {
    OWNED.remove(dir);
    delete(dir);
  }

  /** Closes {@code closer} (with a bound) before the shutdown hook deletes the directories. */
  static void closeOnShutdown(AutoCloseable closer) {
    CLOSERS.add(closer);
    hook();
  }

  static void forget(AutoCloseable closer) {
    CLOSERS.remove(closer);
  }

  /**
   * Removes the managed directories under {@code root} whose owner process is gone; a directory without an owner
   * file, or whose owner still runs, is kept.
   *
   * @return the removed directories
   */
  static List<Path> removeLeftovers(Path root) {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return removed;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root,
        p -> Files.isDirectory(p) && PREFIXES.stream().anyMatch(p.getFileName().toString()::startsWith))) {
      for (Path dir : dirs) {
        if (!OWNED.contains(dir) && ownerGone(dir) && delete(dir)) {
          removed.add(dir);
        }
      }
    } catch (IOException e) {
      System.err.println("costwatch: could not list " + root + " for leftovers: " + e.getMessage());
    }
    return removed;
  }

  /** Whether the directory's owner file names a process that no longer runs (a reused pid counts as gone). */
  static boolean ownerGone(Path dir) {
    List<String> owner;
    try {
      owner = Files.readAllLines(dir.resolve(PID_FILE), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return false;
    }
    if (owner.isEmpty()) {
      return false;
    }
    long pid;
    try {
      pid = Long.parseLong(owner.get(0).trim());
    } catch (NumberFormatException e) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      return true;
    }
    String started = owner.size() > 1 ? owner.get(1).trim() : "";
    Optional<Instant> start = process.get().info().startInstant();
    return !started.isEmpty() && start.isPresent() && !start.get().toString().equals(started);
  }

  private static synchronized void hook() {
    if (HOOKED.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(WorkDirs::onShutdown, "costwatch-work-dirs"));
    }
  }

  /** Closes the runs still open (at most 20 s), then deletes what they left. */
  private static void onShutdown() {
    if (OWNED.isEmpty()) {
      return;
    }
    Thread closing = new Thread(() -> CLOSERS.forEach(c -> {
      try {
        c.close();
      } catch (Exception e) {
        // best effort: the directories are deleted below either way
      }
    }), "costwatch-work-dirs-close");
    closing.setDaemon(true);
    closing.start();
    try {
      closing.join(TimeUnit.SECONDS.toMillis(20));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Path dir : List.copyOf(OWNED)) {
      if (delete(dir)) {
        OWNED.remove(dir);
      }
    }
  }

  /** Deletes recursively, a few attempts (a closing broker may still write); true when the directory is gone. */
  private static boolean delete(Path dir) {
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        Utils.delete(dir.toFile());
        if (!Files.exists(dir)) {
          return true;
        }
      } catch (IOException e) {
        if (attempt == 3) {
          System.err.println("costwatch: could not delete " + dir + ": " + e.getMessage());
        }
      }
    }
    return !Files.exists(dir);
  }
}
