package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leftovers of dead runs are removed at start; a live owner's directory, or one without an owner file, is kept. */
class WorkDirsTest {

  @TempDir
  Path root;

  @Test
  void aLeftoverOfADeadProcessIsRemovedAndALiveOnesIsKept() throws Exception {
    // Given a directory owned by a process that has exited, one owned by this JVM, and one with no owner file
    Process exited = new ProcessBuilder("java", "-version").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    exited.waitFor();
    Path dead = leftover("costwatch-kafka-dead", exited.pid() + "\n");
    Path deadState = leftover("costwatch-replay-state-dead", exited.pid() + "\n");
    Path live = leftover("costwatch-kafka-live", ProcessHandle.current().pid() + "\n");
    Path unknown = Files.createDirectories(root.resolve("costwatch-demo-state-unknown"));
    Path unrelated = leftover("other-tool-dead", exited.pid() + "\n");

    // When
    List<Path> removed = WorkDirs.removeLeftovers(root);

    // Then
    assertEquals(List.of(dead, deadState).stream().sorted().toList(), removed.stream().sorted().toList());
    assertFalse(Files.exists(dead));
    assertFalse(Files.exists(deadState));
    assertTrue(Files.exists(live));
    assertTrue(Files.exists(unknown));
    assertTrue(Files.exists(unrelated));
  }

  @Test
  void aReusedPidWithAnotherStartTimeCountsAsDead() throws Exception {
    Path reused = leftover("costwatch-kafka-reused", ProcessHandle.current().pid() + "\n2000-01-01T00:00:00Z\n");

    assertTrue(WorkDirs.ownerGone(reused));
  }

  @Test
  void aDirectoryThisProcessCreatesNamesItsOwnerAndIsNotALeftover() throws Exception {
    Path dir = WorkDirs.create(root, "costwatch-replay-state-");
    try {
      assertTrue(Files.readString(dir.resolve(WorkDirs.PID_FILE)).startsWith(ProcessHandle.current().pid() + "\n"));
      assertFalse(WorkDirs.ownerGone(dir));
      assertEquals(List.of(), WorkDirs.removeLeftovers(root));
    } finally {
      WorkDirs.release(dir);
    }
    assertFalse(Files.exists(dir));
  }

  private Path leftover(String name, String owner) throws Exception {
    Path dir = Files.createDirectories(root.resolve(name));
    Files.createDirectories(dir.resolve("data/topic-0"));
    Files.writeString(dir.resolve("data/topic-0/00000000000000000000.log"), "x");
    Files.writeString(dir.resolve(WorkDirs.PID_FILE), owner, StandardCharsets.UTF_8);
    return dir;
  }
}
