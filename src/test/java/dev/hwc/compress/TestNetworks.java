package dev.hwc.compress;

import dev.hwc.model.GraphFixtures;
import dev.hwc.model.Network;
import dev.hwc.model.ReferenceArchitectures;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Untrained reference networks whose biases and BatchNorm statistics do real work, and pseudo-images for them. */
final class TestNetworks {
  private TestNetworks() {}

  /** The reference architecture or {@link GraphFixtures} network {@code name}, drawn from {@code seed} with {@link ReferenceArchitectures.Init#RANDOM_STATISTICS}. */
  static Network create(String name, long seed) {
    if (GraphFixtures.NAMES.contains(name)) return GraphFixtures.create(name, seed);
    return ReferenceArchitectures.create(name, seed, ReferenceArchitectures.Init.RANDOM_STATISTICS);
  }

  /** Deterministic pseudo-images in [0, 1]. */
  static INDArray images(int n, long seed) {
    Random r = new Random(seed);
    float[] d = new float[n * 28 * 28];
    for (int i = 0; i < d.length; i++) d[i] = r.nextFloat();
    return Nd4j.create(d, new long[]{n, 1, 28, 28}, 'c');
  }
}
