package dev.hwc.rl;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * Speed of the agents at the paper's sizes: median of 20 timed calls (after JIT warm-up) of act() and of one
 * learning step at batch 64, for DDPG (s → 300 → 300 → 3), Rainbow (all parts, [h, s] → 256 → 256 → 7×51) and
 * the composite agent. Run: {@code java -cp target/classes:target/lib/* dev.hwc.rl.AgentBench [stateDim]}.
 */
public final class AgentBench {
  private AgentBench() {}

  public static void main(String[] args) {
    int sd = args.length > 0 ? Integer.parseInt(args[0]) : 13;
    int warm = 300, timed = 20;
    Rng env = new Rng(1);

    Ddpg ddpg = new Ddpg(Ddpg.Config.defaults().withWarmupEpisodes(0), sd, 3, 1);
    for (int k = 0; k < 256; k++) {
      float[] s = state(env, sd);
      ddpg.observe(Transition.continuous(s, ddpg.act(s, true).action(), (float) env.nextDouble(), state(env, sd), k % 16 == 15));
    }
    report("ddpg act", time(() -> ddpg.act(state(env, sd), true).action().length, warm, timed));
    report("ddpg learn(1) batch 64", time(() -> ddpg.learn(1).steps(), warm, timed));

    Rainbow.Config rc = Rainbow.Config.defaults().withWarmupEpisodes(0);
    int in = 300 + sd;
    Rainbow rainbow = new Rainbow(rc, in, 7, 2);
    for (int k = 0; k < 256; k++) {
      float[] s = state(env, in);
      rainbow.observe(Transition.discrete(s, rainbow.act(s, true), (float) env.nextDouble(), state(env, in), k % 16 == 15));
    }
    report("rainbow act", time(() -> rainbow.act(state(env, in), true), warm, timed));
    report("rainbow learn(1) batch 64", time(() -> rainbow.learn(1).steps(), warm, timed));

    CompositeAgent comp = new CompositeAgent(CompositeAgent.Config.defaults(), Ddpg.Config.defaults().withWarmupEpisodes(0), rc, sd, 3, 7, 3);
    report("composite act", time(() -> comp.act(state(env, sd), true).discrete(), warm, timed));
  }

  private static float[] state(Rng env, int n) {
    float[] s = new float[n];
    for (int k = 0; k < n; k++) s[k] = (float) env.nextDouble();
    return s;
  }

  /** Wall and thread-CPU milliseconds of each timed call; CPU time is what counts on a shared, busy machine. */
  private static double[][] time(IntSupplier op, int warm, int timed) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    int sink = 0;
    for (int k = 0; k < warm; k++) sink += op.getAsInt();
    double[] wall = new double[timed], busy = new double[timed];
    for (int k = 0; k < timed; k++) {
      long c0 = cpu.getCurrentThreadCpuTime(), t0 = System.nanoTime();
      sink += op.getAsInt();
      wall[k] = (System.nanoTime() - t0) / 1e6;
      busy[k] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    if (sink == Integer.MIN_VALUE) System.out.print("");
    return new double[][] {wall, busy};
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static void report(String what, double[][] ms) {
    System.out.printf("%-28s median of %d: wall %8.3f ms, thread CPU %8.3f ms%n", what, ms[0].length, median(ms[0]), median(ms[1]));
  }
}
