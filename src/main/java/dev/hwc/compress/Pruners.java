package dev.hwc.compress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of pruning algorithms, by name. */
public final class Pruners {
  private Pruners() {}

  /** The plan's name for "do not prune this layer". */
  public static final String NONE = "none";

  private static final Map<String, Pruner> ALL = new LinkedHashMap<>();
  static {
    for (Pruner p : List.of(new FilterL1(), new FilterL2(), new FilterGeometricMedian(), new ChannelReconstruction(),
        new Magnitude(), new ActivationAwareMagnitude(), new BalancedMagnitude(), new ObsReconstruction()))
      ALL.put(p.name(), p);
  }

  /** All algorithm names, the eight pruners then {@value #NONE}. */
  public static List<String> known() {
    List<String> k = new ArrayList<>(ALL.keySet());
    k.add(NONE);
    return k;
  }

  /** The pruner of that name; {@code null} for {@value #NONE}. */
  public static Pruner byName(String name) {
    if (NONE.equals(name)) return null;
    Pruner p = ALL.get(name);
    if (p == null) throw new IllegalArgumentException("unknown algorithm '" + name + "' (known: " + String.join(", ", known()) + ")");
    return p;
  }
}
