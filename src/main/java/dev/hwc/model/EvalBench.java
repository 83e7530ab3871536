package dev.hwc.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * Timing of the evaluation path against the machine's single-precision GEMM rate through ND4J, for
 * {@code hwc bench eval} (docs/performance.md). Figures are medians of timed runs after warm-up runs.
 */
public final class EvalBench {
  private EvalBench() {}

  /**
   * A measured rate: from the median wall time, and from the median process CPU time (on a machine shared with
   * other jobs the CPU-time figures are the steadier ones: they count only the cycles this process got), with
   * every timed run's wall seconds in order.
   */
  public record Rate(double imagesPerSecond, double gflops, double medianSeconds, double cpuImagesPerSecond, double cpuGflops,
                     double medianCpuSeconds, double[] runSeconds) {}

  /**
   * Achieved single-precision GFLOP/s of an {@code n×n} by {@code n×n} matrix product (2n³ flops) into a
   * preallocated result, median of {@code runs}; each run repeats the product until it lasts ≥ 0.2 s.
   */
  public static Rate gemm(int n, int warmup, int runs) {
    if (n < 1) throw new IllegalArgumentException("GEMM size must be >= 1, was " + n);
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, n, n);
    double flops = 2.0 * n * n * n;
    int reps = 1;
    double one = time(() -> { a.mmuli(b, c); return 0; });
    if (one < 0.2) reps = (int) Math.ceil(0.2 / Math.max(one, 1e-6));
    final int r = reps;
    double[][] t = timeRuns(warmup, runs, () -> {
      for (int i = 0; i < r; i++) a.mmuli(b, c);
      return 0;
    });
    double[] sec = t[0], cpu = t[1];
    for (int i = 0; i < sec.length; i++) { sec[i] /= r; cpu[i] /= r; }
    double med = median(sec), cmed = median(cpu);
    return new Rate(Double.NaN, flops / med / 1e9, med, Double.NaN, flops / cmed / 1e9, cmed, sec);
  }

  /** Images/s and GFLOP/s (2·MACs per image) of full evaluations of {@code data}, median of {@code runs}. */
  public static Rate evaluation(ExecutableNetwork net, Evaluator.Batches data, int warmup, int runs) {
    long macs = net.network().totalMacs();
    double[][] t = timeRuns(warmup, runs, () -> Evaluator.evaluate(net, data).correct());
    double med = median(t[0]), cmed = median(t[1]);
    double ips = data.size() / med, cips = data.size() / cmed;
    return new Rate(ips, 2.0 * macs * ips / 1e9, med, cips, 2.0 * macs * cips / 1e9, cmed, t[0]);
  }

  /** MEASUREMENT ONLY: the old path, slicing the dataset per call. */
  public static Rate perCall(ExecutableNetwork net, dev.hwc.data.Dataset data, int batch, int warmup, int runs) {
    long macs = net.network().totalMacs();
    double[][] t = timeRuns(warmup, runs, () -> Evaluator.evaluate(net, data, batch).correct());
    double med = median(t[0]), cmed = median(t[1]);
    double ips = data.size() / med, cips = data.size() / cmed;
    return new Rate(ips, 2.0 * macs * ips / 1e9, med, cips, 2.0 * macs * cips / 1e9, cmed, t[0]);
  }

  /** Wall and process-CPU seconds ([0], [1]) of each of {@code runs} calls after {@code warmup} untimed ones. */
  static double[][] timeRuns(int warmup, int runs, DoubleSupplier work) {
    if (warmup < 0) throw new IllegalArgumentException("warm-up runs must be >= 0, was " + warmup);
    if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, was " + runs);
    for (int i = 0; i < warmup; i++) work.getAsDouble();
    double[] sec = new double[runs], cpu = new double[runs];
    for (int i = 0; i < runs; i++) {
      long c0 = cpuNanos(), t0 = System.nanoTime();
      work.getAsDouble();
      sec[i] = (System.nanoTime() - t0) / 1e9;
      cpu[i] = (cpuNanos() - c0) / 1e9;
    }
    return new double[][] {sec, cpu};
  }

  private static double time(DoubleSupplier work) {
    long t0 = System.nanoTime();
    work.getAsDouble();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** CPU time of the whole process (all threads, native ones included), ns. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The middle value (the mean of the two middle values for an even count). */
  public static double median(double[] v) {
    if (v.length == 0) throw new IllegalArgumentException("median of no values");
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
  }
}
