package dev.hwc.rl;

/**
 * Proportional prioritized replay (Schaul et al. 2016): item i is drawn with probability P(i) = p_i^α / Σ p_k^α
 * and corrected by the importance weight w_i = (N·P(i))^−β / max_k w_k. A sum tree gives O(log N) sampling and
 * updates; a min tree gives max_k w_k. New items get the largest priority seen so far, so each is replayed soon.
 */
public final class PrioritizedReplay<T> {
  private final int capacity, leaves;
  private final double alpha;
  private final Object[] items;
  private final double[] sum, min; // heap-ordered trees, leaves at [leaves, 2·leaves)
  private int next, size;
  private double maxPriority = 1.0;

  public PrioritizedReplay(int capacity, double alpha) {
    if (capacity <= 0) throw new IllegalArgumentException("replay capacity must be positive, was " + capacity);
    if (!(alpha >= 0)) throw new IllegalArgumentException("PER alpha must be ≥ 0, was " + alpha);
    this.capacity = capacity;
    this.alpha = alpha;
    int l = 1;
    while (l < capacity) l <<= 1;
    leaves = l;
    items = new Object[capacity];
    sum = new double[2 * l];
    min = new double[2 * l];
    java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
  }

  public int size() { return size; }
  public int capacity() { return capacity; }

  public void add(T item) {
    items[next] = item;
    setLeaf(next, StrictMath.pow(maxPriority, alpha));
    next = (next + 1) % capacity;
    if (size < capacity) size++;
  }

  @SuppressWarnings("unchecked")
  public T get(int i) {
    if (i < 0 || i >= size) throw new IndexOutOfBoundsException("replay index " + i + " of " + size);
    return (T) items[i];
  }

  private void setLeaf(int i, double pAlpha) {
    int k = i + leaves;
    sum[k] = pAlpha;
    min[k] = pAlpha;
    for (k >>= 1; k >= 1; k >>= 1) {
      sum[k] = sum[2 * k] + sum[2 * k + 1];
      min[k] = Math.min(min[2 * k], min[2 * k + 1]);
    }
  }

  /** P(i). */
  public double probability(int i) {
    return sum[i + leaves] / sum[1];
  }

  /** The leaf whose cumulative-sum interval holds mass. */
  private int find(double mass) {
    int k = 1;
    while (k < leaves) {
      if (mass < sum[2 * k] || sum[2 * k + 1] == 0) k = 2 * k;
      else { mass -= sum[2 * k]; k = 2 * k + 1; }
    }
    return Math.min(k - leaves, size - 1);
  }

  /** A drawn batch: buffer indices (for {@link #updatePriorities}), items and normalised importance weights. */
  public record Sample<T>(int[] indices, java.util.List<T> items, float[] weights) {}

  /** Stratified draw: the total mass is cut into {@code batch} equal segments and one index drawn in each. */
  public Sample<T> sample(int batch, double beta, Rng rng) {
    if (size == 0) throw new IllegalStateException("cannot sample an empty replay buffer");
    int[] idx = new int[batch];
    float[] w = new float[batch];
    java.util.List<T> out = new java.util.ArrayList<>(batch);
    double total = sum[1], seg = total / batch;
    double maxWeight = StrictMath.pow(size * (min[1] / total), -beta);
    for (int b = 0; b < batch; b++) {
      int i = find(seg * (b + rng.nextDouble()));
      idx[b] = i;
      out.add(get(i));
      w[b] = (float) (StrictMath.pow(size * probability(i), -beta) / maxWeight);
    }
    return new Sample<>(idx, out, w);
  }

  /** Sets raw priorities (e.g. |TD error| or the distributional loss, plus a small ε); stored as p^α. */
  public void updatePriorities(int[] indices, double[] priorities) {
    for (int k = 0; k < indices.length; k++) {
      double p = priorities[k];
      if (!(p > 0) || Double.isInfinite(p)) throw new IllegalArgumentException("priority must be positive and finite, was " + p);
      setLeaf(indices[k], StrictMath.pow(p, alpha));
      maxPriority = Math.max(maxPriority, p);
    }
  }

  void write(Bytes.Writer out, Transition.Codec<T> codec) {
    out.i32(capacity).f64(alpha).i32(next).i32(size).f64(maxPriority);
    for (int i = 0; i < size; i++) {
      out.f64(sum[i + leaves]);
      codec.write(out, get(i));
    }
  }

  static <T> PrioritizedReplay<T> read(Bytes.Reader in, Transition.Codec<T> codec) {
    PrioritizedReplay<T> b = new PrioritizedReplay<>(in.i32(), in.f64());
    int next = in.i32(), size = in.i32();
    double maxP = in.f64();
    for (int i = 0; i < size; i++) {
      double p = in.f64();
      b.items[i] = codec.read(in);
      b.setLeaf(i, p);
    }
    b.next = next;
    b.size = size;
    b.maxPriority = maxP;
    return b;
  }
}
