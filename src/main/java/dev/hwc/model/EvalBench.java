package dev.hwc.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Timing of the evaluation path against the machine's single-precision GEMM rate through ND4J, for
 * {@code hwc bench eval} (docs/performance.md). The three workloads run interleaved — one round times dense, then
 * candidate, then GEMM — so that all three see the same load on a shared machine; the ratios are medians of the
 * per-round ratios, the rates medians of the per-round rates, after untimed warm-up rounds.
 */
public final class EvalBench {
  private EvalBench() {}

  /**
   * A measured rate: from the median wall time and from the median process CPU time (on a machine shared with
   * other jobs the CPU-time figures are the steadier: they count only the cycles this process got), with every timed
   * round's wall seconds in order. {@code imagesPerSecond} is NaN for GEMM.
   */
  public record Rate(double imagesPerSecond, double gflops, double medianSeconds, double cpuImagesPerSecond, double cpuGflops,
                     double medianCpuSeconds, double[] runSeconds) {}

  /** The three rates and the medians of the per-round ratios (a)/(c) (GFLOP/s) and (b)/(a) (img/s), wall and CPU. */
  public record Comparison(Rate dense, Rate candidate, Rate gemm, double denseOverGemm, double candidateOverDense,
                           double cpuDenseOverGemm, double cpuCandidateOverDense) {}

  /**
   * Runs {@code warmup} + {@code runs} rounds of: a full evaluation of {@code data} by {@code dense}, the same by
   * {@code candidate}, and {@code gemmReps} products of two {@code gemmN×gemmN} FLOAT matrices into a preallocated
   * result (2n³ flops each).
   */
  public static Comparison compare(ExecutableNetwork dense, ExecutableNetwork candidate, Evaluator.Batches data,
                                   int gemmN, int warmup, int runs) {
    if (gemmN < 1) throw new IllegalArgumentException("GEMM size must be >= 1, was " + gemmN);
    if (warmup < 0) throw new IllegalArgumentException("warm-up runs must be >= 0, was " + warmup);
    if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, was " + runs);
    INDArray a = Nd4j.rand(DataType.FLOAT, gemmN, gemmN), b = Nd4j.rand(DataType.FLOAT, gemmN, gemmN);
    INDArray c = Nd4j.create(DataType.FLOAT, gemmN, gemmN);
    a.mmuli(b, c);
    long t0 = System.nanoTime();
    a.mmuli(b, c);
    double one = (System.nanoTime() - t0) / 1e9;
    // each GEMM sample lasts about 0.5 s, so that a short burst of load does not decide it
    int gemmReps = Math.max(1, (int) Math.ceil(0.5 / Math.max(one, 1e-6)));
    double[][] wall = new double[3][runs], cpu = new double[3][runs];
    Runnable[] work = {
        () -> Evaluator.evaluate(dense, data),
        () -> Evaluator.evaluate(candidate, data),
        () -> { for (int i = 0; i < gemmReps; i++) a.mmuli(b, c); }};
    for (int round = 0; round < warmup + runs; round++)
      for (int k = 0; k < 3; k++) {
        long c0 = cpuNanos(), w0 = System.nanoTime();
        work[k].run();
        if (round >= warmup) {
          wall[k][round - warmup] = (System.nanoTime() - w0) / 1e9;
          cpu[k][round - warmup] = (cpuNanos() - c0) / 1e9;
        }
      }
    for (int i = 0; i < runs; i++) { wall[2][i] /= gemmReps; cpu[2][i] /= gemmReps; }
    double macs2 = 2.0 * dense.network().totalMacs(), gemmFlops = 2.0 * gemmN * (double) gemmN * gemmN;
    double[] aOverC = new double[runs], bOverA = new double[runs], cpuAOverC = new double[runs], cpuBOverA = new double[runs];
    for (int i = 0; i < runs; i++) {
      aOverC[i] = (macs2 * data.size() / wall[0][i]) / (gemmFlops / wall[2][i]);
      bOverA[i] = wall[0][i] / wall[1][i];
      cpuAOverC[i] = (macs2 * data.size() / cpu[0][i]) / (gemmFlops / cpu[2][i]);
      cpuBOverA[i] = cpu[0][i] / cpu[1][i];
    }
    return new Comparison(rate(wall[0], cpu[0], data.size(), macs2 * data.size()), rate(wall[1], cpu[1], data.size(), macs2 * data.size()),
        rate(wall[2], cpu[2], Double.NaN, gemmFlops), median(aOverC), median(bOverA), median(cpuAOverC), median(cpuBOverA));
  }

  private static Rate rate(double[] wall, double[] cpu, double images, double flops) {
    double w = median(wall), c = median(cpu);
    return new Rate(images / w, flops / w / 1e9, w, images / c, flops / c / 1e9, c, wall);
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
