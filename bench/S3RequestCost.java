// CPU and wall time of small PUTs through the two S3 request paths of the engine, in one long-lived
// JVM (a server's situation): the AWS SDK alone (S3ObjectStore.Requests.SDK) and the lean signed
// requests (Requests.LEAN, the JDK's HTTP client and our SigV4). Run by bench/s3-requests.sh:
//   java -cp 'fedimon-cli/target/fedimon-run/lib/*' bench/S3RequestCost.java ENDPOINT BUCKET N
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.S3Settings;

public class S3RequestCost {
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    String bucket = args[1];
    int n = Integer.parseInt(args[2]);
    byte[] body = new byte[100 * 1024];
    new java.util.Random(1).nextBytes(body);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (String round : new String[] {"warm-up", "measured"}) {
      for (S3ObjectStore.Requests mode : S3ObjectStore.Requests.values()) {
        S3Settings settings =
            new S3Settings(endpoint, "us-east-1", bucket, mode.name().toLowerCase() + "-" + round,
                "bench", "bench-secret", true, true);
        try (S3ObjectStore store = S3ObjectStore.connect(settings, mode, Clock.systemUTC())) {
          ExecutorService pool = Executors.newFixedThreadPool(16);
          long cpu = os.getProcessCpuTime();
          long start = System.nanoTime();
          List<Future<?>> puts = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            String key = String.format("media_attachments/files/%09d/original/f.png", i);
            puts.add(pool.submit(() -> store.put(key, new ByteArrayInputStream(body), body.length,
                "image/png", Map.of())));
          }
          for (Future<?> put : puts) {
            put.get();
          }
          long wall = System.nanoTime() - start;
          long used = os.getProcessCpuTime() - cpu;
          pool.shutdown();
          if (round.equals("measured")) {
            System.out.printf("%-5s %d PUTs of 100 KiB: wall %.2f s, fedimon CPU %.2f s, %.2f ms CPU a request%n",
                mode, n, wall / 1e9, used / 1e9, used / 1e6 / n);
          }
        }
      }
    }
  }
}
