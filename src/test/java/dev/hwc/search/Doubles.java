package dev.hwc.search;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.LayerDecision;
import dev.hwc.model.LayerShape;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Deterministic stand-ins for the model/compress/energy/rl pieces, for the actor tests. */
public final class Doubles {
  private Doubles() {}

  static final List<LayerShape> LAYERS = LayerEmbeddingTest.LENET;

  /** Accuracy falls with pruning and with fewer bits; fails evaluating episode {@code failAt} (0: never). */
  public static class Backend implements CompressionBackend {
    final int failAt;
    String modelFingerprint = "model-fp";
    int episodes;
    int stepsThisEpisode;

    public Backend(int failAt) {
      this.failAt = failAt;
    }

    @Override public String modelFingerprint() { return modelFingerprint; }

    public Backend withModelFingerprint(String fp) {
      modelFingerprint = fp;
      return this;
    }
    @Override public String datasetFingerprint() { return "data-fp"; }
    @Override public List<String> algorithms() { return List.of("filter-l1", "magnitude", "balanced"); }
    @Override public List<LayerShape> decisionLayers() { return LAYERS; }
    @Override public List<LayerShape> prunableLayers() { return LAYERS; }
    @Override public double baselineAccuracy() { return 0.9; }

    @Override public List<LayerOutcome> compressLayer(int episode, int step, LayerDecision d) {
      if (step == 0) {
        episodes++;
        stepsThisEpisode = 0;
      }
      if (step != stepsThisEpisode++) throw new IllegalStateException("step " + step + " out of order");
      LayerShape l = LAYERS.get(step);
      long params = Math.round(l.weights() * (1 - d.pruneRatio()));
      long nz = Math.round(l.macs() * (1 - d.pruneRatio()));
      return List.of(new LayerOutcome(l.name(), d, l, d.pruneRatio(), l.m(), params, l.macs(), nz));
    }

    @Override public Accuracy evaluate(int episode, CompressionPlan plan) {
      if (plan.size() != LAYERS.size()) throw new IllegalStateException("plan of " + plan.size() + " layers");
      if (failAt > 0 && episode == failAt) throw new IllegalStateException("evaluation crashed");
      double acc = 0.9;
      for (var l : plan.layers())
        acc -= 0.004 * l.decision().pruneRatio() + 0.0005 * (8 - l.decision().weightBits()) + 0.0005 * (8 - l.decision().activationBits());
      return new Accuracy(acc, acc);
    }
  }

  /** Energy proportional to MACs x (weight bits + activation bits) x weight density; baseline at 8 + 8 bits. */
  public static final class Energy implements EnergyBackend {
    @Override public double layerEnergy(LayerShape shape, int wb, int ab, double density) {
      return shape.macs() * (wb + ab) / 16.0 * (0.2 + 0.8 * density);
    }

    @Override public double baselineEnergy(List<LayerShape> layers) {
      return layers.stream().mapToDouble(l -> layerEnergy(l, 8, 8, 1)).sum();
    }
  }

  /**
   * A policy whose actions come from a 64-bit LCG; learning folds the replay buffer (its size and reward sum) into
   * the generator, so a resumed agent acts identically only if its buffer was rebuilt exactly. The checkpoint is
   * the generator and a learn count, not the buffer.
   */
  public static class Lcg {
    long seed;
    int learns;
    final List<Float> buffer = new ArrayList<>();
    /** Which call of {@link #bytes()} fails (1 = the first; 0 = none): a crash between evaluation and checkpoint. */
    int failCheckpointCall;
    int checkpointCalls;

    Lcg(long seed) {
      this.seed = seed;
    }

    float next() {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      return (seed >>> 40) / (float) (1L << 24);
    }

    void fold() {
      double sum = 0;
      for (float r : buffer) sum += r;
      seed ^= Double.doubleToLongBits(sum) * 31 + buffer.size();
      learns++;
    }

    byte[] bytes() {
      if (++checkpointCalls == failCheckpointCall) throw new IllegalStateException("disk full");
      return ByteBuffer.allocate(12).putLong(seed).putInt(learns).array();
    }
  }

  public static final class Ddpg extends Lcg implements ContinuousPolicy {
    public Ddpg(long seed) { super(seed); }

    @Override public Action act(float[] state, boolean explore) {
      return new Action(new float[]{next(), next(), next()}, new float[]{next(), learns});
    }

    @Override public void remember(List<EpisodeTransitions.Step> ts) {
      for (var t : ts) buffer.add(t.reward());
    }

    @Override public void learn() { fold(); }
    @Override public byte[] toBytes() { return bytes(); }

    @Override public ContinuousPolicy fromBytes(byte[] b) {
      ByteBuffer bb = ByteBuffer.wrap(b);
      Ddpg d = new Ddpg(bb.getLong());
      d.learns = bb.getInt();
      return d;
    }
  }

  public static final class Rainbow extends Lcg implements DiscretePolicy {
    public Rainbow(long seed) { super(seed); }

    @Override public int act(float[] input, boolean explore) {
      return (int) (next() * 3);
    }

    @Override public void remember(List<EpisodeTransitions.Step> ts) {
      for (var t : ts) buffer.add(t.reward());
    }

    @Override public void learn() { fold(); }
    @Override public byte[] toBytes() { return bytes(); }

    @Override public DiscretePolicy fromBytes(byte[] b) {
      ByteBuffer bb = ByteBuffer.wrap(b);
      Rainbow r = new Rainbow(bb.getLong());
      r.learns = bb.getInt();
      return r;
    }
  }
}
