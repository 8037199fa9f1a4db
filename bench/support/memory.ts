/** The most of each kind of this process's memory seen so far, in MB. */
export interface MemoryPeaks {
  rssMb: number;
  heapUsedMb: number;
  arrayBuffersMb: number;
}

/**
 * Samples this process's memory every `everyMs` (process.memoryUsage) and keeps the peaks: stop()
 * ends the sampling and gives them, with a last sample taken then.
 */
export function sampleMemoryPeaks(everyMs: number): { stop(): MemoryPeaks } {
  const peaks = { rss: 0, heapUsed: 0, arrayBuffers: 0 };
  const sample = (): void => {
    const memory = process.memoryUsage();
    peaks.rss = Math.max(peaks.rss, memory.rss);
    peaks.heapUsed = Math.max(peaks.heapUsed, memory.heapUsed);
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, memory.arrayBuffers);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rssMb: mb(peaks.rss), heapUsedMb: mb(peaks.heapUsed), arrayBuffersMb: mb(peaks.arrayBuffers) };
    },
  };
}
