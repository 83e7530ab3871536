package dev.hwc.rl;

/**
 * One step an agent took: in {@code state} it chose the continuous {@code action} (empty when there is none) and
 * the discrete action {@code discrete} (−1 when there is none), got {@code reward} and reached {@code nextState};
 * {@code done} marks the episode's last step (no bootstrapping past it). Arrays are held, not copied: callers
 * must not change them afterwards.
 */
public record Transition(float[] state, float[] action, int discrete, float reward, float[] nextState, boolean done) {
  public Transition {
    if (state == null || nextState == null || action == null) throw new IllegalArgumentException("transition arrays must not be null");
    if (state.length != nextState.length)
      throw new IllegalArgumentException("state has " + state.length + " values but nextState has " + nextState.length);
  }

  /** A continuous-only transition (DDPG). */
  public static Transition continuous(float[] state, float[] action, float reward, float[] nextState, boolean done) {
    return new Transition(state, action, -1, reward, nextState, done);
  }

  /** A discrete-only transition (Rainbow). */
  public static Transition discrete(float[] state, int action, float reward, float[] nextState, boolean done) {
    return new Transition(state, new float[0], action, reward, nextState, done);
  }

  public Transition withReward(float r) {
    return new Transition(state, action, discrete, r, nextState, done);
  }

  static final Codec<Transition> CODEC = new Codec<>() {
    @Override public void write(Bytes.Writer out, Transition t) {
      out.floats(t.state).floats(t.action).i32(t.discrete).f32(t.reward).floats(t.nextState).bool(t.done);
    }

    @Override public Transition read(Bytes.Reader in) {
      float[] s = in.floats(), a = in.floats();
      int d = in.i32();
      float r = in.f32();
      float[] s2 = in.floats();
      return new Transition(s, a, d, r, s2, in.bool());
    }
  };

  /** How a replay buffer writes its items into a checkpoint. */
  interface Codec<T> {
    void write(Bytes.Writer out, T item);

    T read(Bytes.Reader in);
  }
}
