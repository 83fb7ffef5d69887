package social.fedimon.server.hosting;

import org.jspecify.annotations.Nullable;

/**
 * The size of an instance's pods, from the accounts it has: requests are what the scheduler
 * reserves, limits what a pod may reach. Memory in MiB, CPU in millicores.
 */
public enum Plan {
  /** Up to 100 accounts. */
  SMALL(768, 1536, 250, 1000, 512, 1024, 128, 256),
  /** Up to 2,000 accounts. */
  MEDIUM(1536, 3072, 500, 2000, 1024, 2048, 256, 512),
  /** More. */
  LARGE(3072, 6144, 1000, 4000, 2048, 4096, 512, 1024);

  final int webMemory;
  final int webMemoryLimit;
  final int webCpu;
  final int webCpuLimit;
  final int sidekiqMemory;
  final int sidekiqMemoryLimit;
  final int streamingMemory;
  final int streamingMemoryLimit;

  Plan(
      int webMemory,
      int webMemoryLimit,
      int webCpu,
      int webCpuLimit,
      int sidekiqMemory,
      int sidekiqMemoryLimit,
      int streamingMemory,
      int streamingMemoryLimit) {
    this.webMemory = webMemory;
    this.webMemoryLimit = webMemoryLimit;
    this.webCpu = webCpu;
    this.webCpuLimit = webCpuLimit;
    this.sidekiqMemory = sidekiqMemory;
    this.sidekiqMemoryLimit = sidekiqMemoryLimit;
    this.streamingMemory = streamingMemory;
    this.streamingMemoryLimit = streamingMemoryLimit;
  }

  /** The plan for an instance of this many accounts (unknown: the smallest). */
  public static Plan forAccounts(@Nullable Long accounts) {
    if (accounts == null || accounts <= 100) {
      return SMALL;
    }
    return accounts <= 2000 ? MEDIUM : LARGE;
  }
}
