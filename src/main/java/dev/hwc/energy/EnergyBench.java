package dev.hwc.energy;

import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Benchmark of whole-model estimates on an 11-layer VGG-11-style CIFAR network (8 conv + 3 dense): cold (every layer
 * searched, empty cache), warm (the same plan again: cache hits, the search's common case) and a search-like stream
 * of random per-layer plans (bits 2–8, density 0.2–1). Prints medians of 20 runs after warm-up.
 * Run: {@code java -cp 'target/hwc.jar:target/lib/*' dev.hwc.energy.EnergyBench [hardware.conf]}
 */
public final class EnergyBench {
  private EnergyBench() {}

  static List<LayerShape> vgg11Cifar() {
    int[][] convs = {{3, 32, 64}, {64, 16, 128}, {128, 8, 256}, {256, 8, 256}, {256, 4, 512}, {512, 4, 512}, {512, 2, 512}, {512, 2, 512}};
    List<LayerShape> l = new ArrayList<>();
    for (int[] c : convs) l.add(new LayerShape(l.size(), "conv" + (l.size() + 1), LayerKind.CONV, 1, c[0], c[1], c[1], c[2], 3, 3, 1, 1, 1));
    l.add(new LayerShape(l.size(), "fc1", LayerKind.DENSE, 1, 512, 1, 1, 4096, 1, 1, 1, 0, 1));
    l.add(new LayerShape(l.size(), "fc2", LayerKind.DENSE, 1, 4096, 1, 1, 4096, 1, 1, 1, 0, 1));
    l.add(new LayerShape(l.size(), "fc3", LayerKind.DENSE, 1, 4096, 1, 1, 10, 1, 1, 1, 0, 1));
    return l;
  }

  public static void main(String[] args) {
    Accelerator hw = Accelerator.load(Path.of(args.length > 0 ? args[0] : "conf/hardware/eyeriss-v1.conf"));
    List<LayerShape> net = vgg11Cifar();
    int runs = 20;

    // CPU time of this thread as well as wall time: the machine this was written on is shared and loaded.
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    double[] cold = new double[runs], coldCpu = new double[runs];
    for (int i = -3; i < runs; i++) {
      ModelEnergy me = new ModelEnergy(new RowStationaryModel(hw), 8);
      long c0 = cpu.getCurrentThreadCpuTime(), t0 = System.nanoTime();
      me.uniform(net, 8, 8);
      if (i >= 0) {
        cold[i] = (System.nanoTime() - t0) / 1e6;
        coldCpu[i] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
      }
    }

    ModelEnergy me = new ModelEnergy(new RowStationaryModel(hw), 8);
    for (int i = 0; i < 50; i++) me.uniform(net, 8, 8);
    double[] warm = new double[runs];
    double sink = 0;
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      sink += me.uniform(net, 8, 8).reduction();
      warm[i] = (System.nanoTime() - t0) / 1e6;
    }

    Random rnd = new Random(7);
    ModelEnergy search = new ModelEnergy(new RowStationaryModel(hw), 8);
    int episodes = 200;
    double[] episode = new double[episodes], episodeCpu = new double[episodes];
    for (int i = 0; i < episodes; i++) {
      List<ModelEnergy.LayerWork> plan = new ArrayList<>();
      for (LayerShape s : net)
        plan.add(new ModelEnergy.LayerWork(s, new LayerLoad(2 + rnd.nextInt(7), 2 + rnd.nextInt(7), 0.2 + 0.8 * rnd.nextDouble())));
      long c0 = cpu.getCurrentThreadCpuTime(), t0 = System.nanoTime();
      sink += search.estimate(plan).reduction();
      episode[i] = (System.nanoTime() - t0) / 1e6;
      episodeCpu[i] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    System.out.printf("hardware %s, model VGG-11/CIFAR (%d layers, %,d MACs)%n", hw.name(), net.size(),
        net.stream().mapToLong(LayerShape::macs).sum());
    System.out.printf("cold whole-model estimate (every layer searched): median %.1f ms wall, %.1f ms CPU, of %d%n", median(cold), median(coldCpu), runs);
    System.out.printf("warm whole-model estimate (cached): median %.4f ms of %d%n", median(warm), runs);
    System.out.printf("search-like random plans: median %.1f ms wall, %.1f ms CPU; first 20 median %.1f ms, last 20 median %.1f ms (%d episodes, %d cached estimates)%n",
        median(episode), median(episodeCpu), median(Arrays.copyOfRange(episode, 0, 20)), median(Arrays.copyOfRange(episode, episodes - 20, episodes)),
        episodes, search.model().cached());
    if (Double.isNaN(sink)) System.out.println();
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
