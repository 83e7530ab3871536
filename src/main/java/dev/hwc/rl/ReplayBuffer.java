package dev.hwc.rl;

import java.util.ArrayList;
import java.util.List;

/** Uniform experience replay: a ring of the last {@code capacity} items, sampled with replacement. */
public final class ReplayBuffer<T> {
  private final Object[] items;
  private int next, size;

  public ReplayBuffer(int capacity) {
    if (capacity <= 0) throw new IllegalArgumentException("replay capacity must be positive, was " + capacity);
    items = new Object[capacity];
  }

  public int size() { return size; }
  public int capacity() { return items.length; }

  public void add(T item) {
    items[next] = item;
    next = (next + 1) % items.length;
    if (size < items.length) size++;
  }

  @SuppressWarnings("unchecked")
  public T get(int i) {
    if (i < 0 || i >= size) throw new IndexOutOfBoundsException("replay index " + i + " of " + size);
    return (T) items[i];
  }

  public List<T> sample(int batch, Rng rng) {
    if (size == 0) throw new IllegalStateException("cannot sample an empty replay buffer");
    List<T> out = new ArrayList<>(batch);
    for (int k = 0; k < batch; k++) out.add(get(rng.nextInt(size)));
    return out;
  }

  void write(Bytes.Writer out, Transition.Codec<T> codec) {
    out.i32(items.length).i32(next).i32(size);
    for (int i = 0; i < size; i++) codec.write(out, get(i));
  }

  static <T> ReplayBuffer<T> read(Bytes.Reader in, Transition.Codec<T> codec) {
    ReplayBuffer<T> b = new ReplayBuffer<>(in.i32());
    int next = in.i32(), size = in.i32();
    for (int i = 0; i < size; i++) b.items[i] = codec.read(in);
    b.next = next;
    b.size = size;
    return b;
  }
}
