package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.DecoderThreads;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.dump.DumpPolicy;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.Tools;

/**
 * Four inspections at once in one JVM of 1 GB share one {@link DecoderThreads}: the bzip2, xz and
 * age layers decode on its threads and the dumps are read ahead on its reader places, so the JVM
 * runs no more decoding threads than the pool's size, whatever the number of archives.
 */
class ConcurrentReadsTest {

  private static final int POOL = 2;

  @Test
  void fourInspectionsAtOnceShareTheDecoderThreads(@TempDir Path dir) throws Exception {
    Tools.require("bzip2", "xz", "zstd", "age", "age-keygen", "tar");
    InstanceTree.create(dir);
    // a few MB that compress, so bzip2 and xz make several blocks each
    StringBuilder text = new StringBuilder();
    java.util.Random random = new java.util.Random(7);
    while (text.length() < 4_000_000) {
      text.append("status ").append(random.nextInt(1_000_000)).append(" said hello\n");
    }
    Files.writeString(dir.resolve("live/notes.txt"), text, StandardCharsets.UTF_8);
    Tools.sh(dir, "age-keygen -o key.txt 2>/dev/null");
    String tar = "tar -cf - live database.sql.xz";
    Tools.sh(dir, tar + " | bzip2 -9 > a.tar.bz2");
    Tools.sh(dir, tar + " | xz -T2 -1 --block-size=1MiB > b.tar.xz");
    Tools.sh(dir, tar + " | age -r $(grep -o 'age1[a-z0-9]*' key.txt) > c.tar.age");
    Tools.sh(dir, tar + " | zstd -q > d.tar.zst");

    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                FourAtOnce.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
    System.out.println(output);
    assertThat(child.exitValue()).as(output).isZero();

    Map<String, String> results = new java.util.HashMap<>();
    for (String line : output.split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        results.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    // every archive was read whole, through its layers
    assertThat(results)
        .as(output)
        .containsEntry("a.tar.bz2", "accepted [bzip2, tar]")
        .containsEntry("b.tar.xz", "accepted [xz, tar]")
        .containsEntry("c.tar.age", "accepted [age, tar]")
        .containsEntry("d.tar.zst", "accepted [zstd, tar]");
    // seen from outside (threads alive, sampled) and counted by the pool itself
    assertThat(Integer.parseInt(results.get("decoders")))
        .as("decoding threads seen alive at once\n%s", output)
        .isLessThanOrEqualTo(POOL);
    assertThat(Integer.parseInt(results.get("readers")))
        .as("read-ahead threads seen alive at once\n%s", output)
        .isLessThanOrEqualTo(POOL);
    assertThat(Integer.parseInt(results.get("peakDecoders")))
        .as("decoding threads at once, as the pool counted them\n%s", output)
        .isPositive()
        .isLessThanOrEqualTo(POOL);
    assertThat(Integer.parseInt(results.get("peakReaders")))
        .as("read-ahead threads at once, as the pool counted them\n%s", output)
        .isPositive()
        .isLessThanOrEqualTo(POOL);
  }

  /**
   * The child JVM: four inspections on four threads, sharing one pool, while threads are counted.
   */
  static final class FourAtOnce {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      Secrets secrets = Secrets.load(List.of(), List.of(), List.of(dir.resolve("key.txt")));
      DecoderThreads threads = new DecoderThreads(POOL);
      AtomicInteger decoders = new AtomicInteger();
      AtomicInteger readers = new AtomicInteger();
      AtomicBoolean done = new AtomicBoolean();
      Thread counter =
          new Thread(
              () -> {
                while (!done.get()) {
                  int d = 0;
                  int r = 0;
                  for (Thread thread : Thread.getAllStackTraces().keySet()) {
                    String name = thread.getName();
                    if (name.startsWith("fedimon-decode-")) {
                      if (name.contains("read-ahead")) {
                        r++;
                      } else {
                        d++;
                      }
                    }
                  }
                  decoders.accumulateAndGet(d, Math::max);
                  readers.accumulateAndGet(r, Math::max);
                  Thread.onSpinWait();
                }
              });
      counter.setDaemon(true);
      counter.start();
      ExecutorService callers = Executors.newFixedThreadPool(4);
      List<String> names = List.of("a.tar.bz2", "b.tar.xz", "c.tar.age", "d.tar.zst");
      List<Future<Report>> reports = new ArrayList<>();
      for (String name : names) {
        reports.add(
            callers.submit(
                () ->
                    new Inspector(
                            ArchiveLimits.DEFAULTS,
                            DumpPolicy.DEFAULTS,
                            Inspector.Expectations.NONE,
                            threads)
                        .inspect(Source.of(dir.resolve(name)), secrets, n -> {})));
      }
      for (int i = 0; i < names.size(); i++) {
        Report report = reports.get(i).get();
        System.out.println(names.get(i) + "=" + report.verdict() + " " + report.layers());
      }
      done.set(true);
      counter.join();
      callers.shutdown();
      System.out.println("decoders=" + decoders.get());
      System.out.println("readers=" + readers.get());
      System.out.println("peakDecoders=" + threads.peakDecoders());
      System.out.println("peakReaders=" + threads.peakReaders());
      System.out.println("readersStarted=" + threads.readersStarted());
      System.out.println(
          "heap="
              + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() / (1 << 20)
              + "MB");
    }
  }
}
