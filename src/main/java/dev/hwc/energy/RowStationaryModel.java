package dev.hwc.energy;

import dev.hwc.model.LayerShape;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Analytical energy of one layer on a row-stationary (RS) accelerator, after Chen, Emer, Sze, "Eyeriss: A Spatial
 * Architecture for Energy-Efficient Dataflow for Convolutional Neural Networks", ISCA 2016 (§IV–V: RS dataflow, PE
 * sets, folding/replication, energy = Σ accesses × normalised cost per level) and Yang, Chen, Sze, "Designing
 * Energy-Efficient CNNs using Energy-Aware Pruning", CVPR 2017 (E = E_comp + E_data; bit-width and sparsity enter the
 * access counts).
 *
 * <h2>Mapping search</h2>
 * A layer with G groups is G independent problems (a depthwise layer: C = M = 1, repeated C times). Filter rows R
 * beyond the array height, or S beyond the ifmap scratch pad, are folded: the filter is split into {@code fold} parts
 * treated as extra input channels (approximation: halo rows of the parts are counted again). The search enumerates
 * the PE-set width e (output rows per set; sets wider than the array are folded into stacked strips of R rows), the
 * filters p and channels q per PE (p·q·S ≤ filter pad, q·S ≤ ifmap pad, p ≤ psum pad, each in data of the given
 * width), the sets t (filters) × r (channels) that fit the array, the loop order above the array, the images per
 * pass n and which tiles stay in the global buffer (capacity in bits), and keeps the lowest-energy mapping. Values of
 * e, p, q, t, r are restricted to "balanced" sizes ⌈X/⌈X/v⌉⌉ (the same chunk count with less resource).
 *
 * <h2>Access counts (per group; dense elements, converted to native words by bits / word-bits)</h2>
 * With outputs O = N·M·E·F, weights K = M·C·R·S, MACs = O·C·R·S; M split into chunks of p·t (N_M chunks, each using
 * t_i = ⌈m_i/p⌉ sets, Σt_i = T), C into chunks of q·r (N_C chunks, r_i = ⌈c_i/q⌉, Σr_i = Rs), E into chunks of e
 * (N_E chunks, ifmap rows per chunk min(H, (e_i−1)·U + R), summed: H*):
 * <ul>
 *   <li>weights — DRAM K (read once: either all weights stay in the buffer, or each pass's weights stay in the
 *   filter pads for the whole batch); buffer K·N_N·N_E (ROWS_OUTER) or K (FILTERS_OUTER); array (one delivery per
 *   destination PE of the set row) K·N_N·E or K·e; RF MACs (one read per MAC).</li>
 *   <li>inputs — DRAM N·C·W·H* (or N·C·H·W when the whole input stays, FILTERS_OUTER), times N_M when the inputs do
 *   not stay; buffer N_M·N·C·W·H*; array T·N·C·R·E·W (each PE of a set receives its own ifmap row, multicast to the
 *   t filter sets); RF MACs.</li>
 *   <li>psums — RF 2·(MACs − O·R·Rs) (a read and a write per accumulation inside a PE: ISCA 2016's 2abc(d−1) term);
 *   array O·(R·Rs − N_C) (forwarding up the R·r_i PEs of a column); buffer 2·N_C·O (a write per channel chunk, a read
 *   before each later chunk and one to drain); DRAM O (final outputs, at activation bits) plus 2·(N_C−1)·O spilled
 *   psums (at psum bits) when they do not stay in the buffer (ISCA 2016's (2a−1) DRAM term).</li>
 *   <li>MACs — MACs, times the weight density when zero gating is on.</li>
 * </ul>
 *
 * <h2>Bits and sparsity</h2>
 * Weights cost wbits/word-bits words per datum (packed), activations abits, psums the accumulator width; scratch-pad
 * and buffer capacities grow accordingly. MAC energy scales by the hardware's law (product or linear in the operand
 * widths). Fine-grained sparsity d stores weights at min(wbits, d·(wbits + index bits)) bits in DRAM, buffer and on the
 * array; with zero gating, MACs and their weight/input/psum scratch-pad accesses are multiplied by d. Activation and
 * psum traffic above the PEs does not change with weight sparsity.
 *
 * <p>Estimates are cached per (shape, bits, density bucket); the class is thread-safe.
 */
public final class RowStationaryModel {
  private final Accelerator hw;
  private final double densityStep;
  private final boolean exhaustive;
  private final Map<Key, EnergyBreakdown> cache = new ConcurrentHashMap<>();

  private record Key(int n, int c, int h, int w, int m, int r, int s, int stride, int pad, int groups,
                     int wbits, int abits, long densityBucket, long inputBucket, long outputBucket) {}

  public RowStationaryModel(Accelerator hw, double densityStep) {
    this(hw, densityStep, false);
  }

  /** With {@code exhaustive}, every size and every r is tried (no balanced sizes, no r pruning): for tests. */
  RowStationaryModel(Accelerator hw, double densityStep, boolean exhaustive) {
    this.exhaustive = exhaustive;
    if (!(densityStep > 0 && densityStep <= 1)) throw new IllegalArgumentException("density-step must be in (0, 1], was " + densityStep);
    this.hw = hw;
    this.densityStep = densityStep;
  }

  public RowStationaryModel(Accelerator hw) {
    this(hw, 0.01);
  }

  public Accelerator hardware() {
    return hw;
  }

  /** Density rounded up to the bucket grid (never below the true density, so never under-stating energy). */
  public double bucketed(double density) {
    long k = bucket(density);
    return Math.min(1.0, k * densityStep);
  }

  /** The load with every density rounded up to the bucket grid. */
  private LayerLoad bucketed(LayerLoad load) {
    return new LayerLoad(load.weightBits(), load.activationBits(), bucketed(load.weightDensity()),
        bucketed(load.inputDensity()), bucketed(load.outputDensity()));
  }

  private long bucket(double density) {
    return (long) Math.ceil(density / densityStep - 1e-9);
  }

  /** The lowest-energy RS mapping's breakdown for this layer shape (its batch as given) and load. */
  public EnergyBreakdown estimate(LayerShape shape, LayerLoad load) {
    Key key = new Key(shape.n(), shape.c(), shape.h(), shape.w(), shape.m(), shape.r(), shape.s(), shape.stride(),
        shape.pad(), shape.groups(), load.weightBits(), load.activationBits(), bucket(load.weightDensity()),
        bucket(load.inputDensity()), bucket(load.outputDensity()));
    EnergyBreakdown b = cache.computeIfAbsent(key, k -> search(shape, bucketed(load)));
    return b.layer().equals(shape.name()) ? b : b.named(shape.name());
  }

  /** Number of cached estimates (for benchmarks). */
  public int cached() {
    return cache.size();
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** The per-group problem after folding filters that exceed the array height or the ifmap pad (ISCA 2016 §V-B). */
  private Problem problem(LayerShape shape, LayerLoad load) {
    int wb = load.weightBits(), ab = load.activationBits(), pb = hw.psumBits();
    long filterCap = hw.capacity(hw.filterSpadWords(), wb);
    long ifmapCap = hw.capacity(hw.ifmapSpadWords(), ab);
    long psumCap = hw.capacity(hw.psumSpadWords(), pb);
    if (ifmapCap < 1 || filterCap < 1 || psumCap < 1)
      throw new IllegalArgumentException("layer " + shape.name() + ": scratch pads of " + hw.name() + " hold no datum at "
          + wb + "/" + ab + "/" + pb + " bits");
    int rFold = ceilDiv(shape.r(), hw.peRows());
    int sFold = (int) ceilDiv(shape.s(), Math.min(ifmapCap, filterCap));
    int rr = ceilDiv(shape.r(), rFold), ss = ceilDiv(shape.s(), sFold);
    return new Problem(shape.n(), shape.c() / shape.groups() * rFold * sFold, shape.m() / shape.groups(), shape.h(), shape.w(),
        rr, ss, shape.stride(), shape.e(), shape.f(), rFold * sFold, filterCap, ifmapCap, psumCap);
  }

  /** Buffer bits a mapping needs: weights, psums and inputs that must be held at once. */
  private static double needBits(Problem pr, Mapping.Order order, int n, int pt, int qr, int e, boolean psumsStay,
                                 boolean inputsStay, long maxRows, double storedBits, int ab, int pb) {
    if (order == Mapping.Order.FILTERS_OUTER)
      return (double) pt * qr * pr.r * pr.s * storedBits
          + (psumsStay ? (double) pr.n * pt * pr.e * pr.f : (double) pt * e * pr.f) * pb
          + (inputsStay ? (double) pr.n * pr.c * pr.h * pr.w : (double) qr * maxRows * pr.w) * ab;
    return (double) pr.m * pr.c * pr.r * pr.s * storedBits + (double) n * pt * e * pr.f * pb
        + (inputsStay ? (double) n * pr.c * maxRows * pr.w : (double) n * qr * maxRows * pr.w) * ab;
  }

  private EnergyBreakdown search(LayerShape shape, LayerLoad load) {
    int groups = shape.groups();
    int wb = load.weightBits(), ab = load.activationBits(), pb = hw.psumBits();
    double d = load.weightDensity();
    Problem pr = problem(shape, load);
    long filterCap = pr.filterCap, ifmapCap = pr.ifmapCap, psumCap = pr.psumCap;

    Widths wd = widths(load);
    Prices pc = new Prices(hw, hw.macScale(wb, ab));
    long bufBits = hw.globalBufferBits();
    double storedBits = hw.storedWeightBits(wb, d);

    Candidate best = null;
    boolean[] done = new boolean[4 + 2 * pr.n];
    // With r the only change, more channel sets only cut channel chunks N_C, which saves a buffer psum read and write
    // minus one array psum transfer per output and chunk (the psum RF and array terms depend on r only through N_C;
    // spilled psums only fall with N_C): when that is ≥ 0, the largest feasible r per buffer choice is the best and
    // smaller r need not be tried.
    boolean largestRWins = !exhaustive && pc.bufPr() + pc.bufPw() >= pc.arrP();
    double allWeightsBits = (double) pr.m * pr.c * pr.r * pr.s * storedBits;
    double wholeInputBits = (double) pr.n * pr.c * pr.h * pr.w * ab;
    int rows = hw.peRows(), cols = hw.peColumns();
    for (int e : sizes(pr.e)) {
      int strips = ceilDiv(e, cols);
      int setH = pr.r * strips, setW = Math.min(e, cols);
      if (setH > rows) continue;
      int sets = (rows / setH) * (cols / setW);
      long rowsSum = chunkSum(pr.e, e, ei -> Math.min(pr.h, (long) (ei - 1) * pr.u + pr.r));
      long ne = ceilDiv(pr.e, e);
      long maxRows = Math.min(pr.h, (long) (e - 1) * pr.u + pr.r);
      for (int p : sizes(pr.m)) {
        if (p > psumCap || (long) p * pr.s > filterCap) continue;
        for (int q : sizes(pr.c)) {
          if ((long) q * pr.s > ifmapCap || (long) p * q * pr.s > filterCap) continue;
          int mBlocks = ceilDiv(pr.m, p), cBlocks = ceilDiv(pr.c, q);
          int[] rs = sizes(cBlocks);
          // Summed over chunks whose sizes are multiples of p (q) but the last, Σ⌈m_i/p⌉ = ⌈M/p⌉ and Σ⌈c_i/q⌉ = ⌈C/q⌉.
          long tSum = mBlocks, rSum = cBlocks;
          for (int t : sizes(mBlocks)) {
            if (t > sets) continue;
            java.util.Arrays.fill(done, false);
            int open = done.length;
            if (allWeightsBits >= bufBits) { // ROWS_OUTER keeps all weights in the buffer: never fits
              for (int i = 4; i < done.length; i++) done[i] = true;
              open = 4;
            }
            if (wholeInputBits >= bufBits) { // FILTERS_OUTER with the whole input kept: never fits
              done[2] = done[3] = true;
              open -= 2;
            }
            for (int n = 2; n <= pr.n; n++) // image chunk sizes that give the same chunk count as n − 1
              if (ceilDiv(pr.n, n - 1) == ceilDiv(pr.n, n) && !done[4 + 2 * (n - 1)]) {
                done[4 + 2 * (n - 1)] = done[5 + 2 * (n - 1)] = true;
                open -= 2;
              }
            if (mBlocks <= t && !done[5]) { // one filter chunk: keeping the input stripe changes nothing
              for (int n = 1; n <= pr.n; n++) if (!done[5 + 2 * (n - 1)]) { done[5 + 2 * (n - 1)] = true; open--; }
            }
            for (int ri = rs.length - 1; ri >= 0 && open > 0; ri--) {
              int r = rs[ri];
              if ((long) t * r > sets) continue;
              int pt = p * t, qr = q * r;
              long nm = ceilDiv(pr.m, pt), nc = ceilDiv(pr.c, qr);
              Counts k = new Counts(pr, nm, nc, ne, tSum, rSum, rowsSum);
              // FILTERS_OUTER: the whole batch streams through each pass (n = N).
              for (int flags = 0; flags < 4; flags++) {
                boolean psumsStay = (flags & 1) != 0, inputsStay = (flags & 2) != 0;
                double need = needBits(pr, Mapping.Order.FILTERS_OUTER, pr.n, pt, qr, e, psumsStay, inputsStay, maxRows, storedBits, ab, pb);
                if (need > bufBits || done[flags]) continue;
                if (largestRWins) { done[flags] = true; open--; }
                double en = k.energy(pc, Mapping.Order.FILTERS_OUTER, 1, e, psumsStay, inputsStay, wd);
                if (best == null || en < best.energy)
                  best = new Candidate(en, new Mapping(Mapping.Order.FILTERS_OUTER, pr.n, p, q, e, r, t, pr.r, pr.fold,
                      psumsStay || nc == 1, inputsStay, nm * nc * ne * pr.n), k);
              }
              // ROWS_OUTER: all weights and each pass's psums stay in the buffer.
              for (int n = 1; n <= pr.n; n++) {
                long nn = ceilDiv(pr.n, n);
                int slot = 4 + 2 * (n - 1);
                if (n > 1 && ceilDiv(pr.n, n - 1) == nn) continue; // same chunk count with fewer images (closed above)
                for (int stay = 0; stay < 2; stay++) {
                  boolean inputsStay = stay == 1;
                  if (inputsStay && nm == 1) continue;
                  double need = needBits(pr, Mapping.Order.ROWS_OUTER, n, pt, qr, e, true, inputsStay, maxRows, storedBits, ab, pb);
                  if (need > bufBits || done[slot + stay]) continue;
                  if (largestRWins) { done[slot + stay] = true; open--; }
                  double en = k.energy(pc, Mapping.Order.ROWS_OUTER, nn, e, true, inputsStay, wd);
                  if (best == null || en < best.energy)
                    best = new Candidate(en, new Mapping(Mapping.Order.ROWS_OUTER, n, p, q, e, r, t, pr.r, pr.fold,
                        true, inputsStay, nm * nc * ne * nn), k);
                }
              }
            }
          }
        }
      }
    }
    if (best == null)
      throw new IllegalArgumentException("layer " + shape + " has no row-stationary mapping on "
          + hw.name() + " at " + wb + "/" + ab + " bits (global buffer " + hw.globalBufferBytes() + " B too small)");
    EnergyBreakdown b = breakdown(shape, load, pr, best.counts, best.mapping);
    if (Math.abs(b.totalEnergy() - best.energy * groups) > 1e-9 * Math.max(1, b.totalEnergy())
        && shape.macs() == (long) ((double) pr.n * pr.m * pr.e * pr.f * pr.c * pr.r * pr.s * groups))
      throw new IllegalStateException("energy of " + shape + " disagrees between search and breakdown: " + best.energy * groups + " vs " + b.totalEnergy());
    return b;
  }

  /** Words per datum at each place and the gating factors of a load. */
  private Widths widths(LayerLoad load) {
    int wb = load.weightBits(), ab = load.activationBits();
    double d = load.weightDensity();
    return new Widths(hw.wordsPerDatum(hw.storedWeightBits(wb, d)), hw.wordsPerDatum(wb), hw.wordsPerDatum(ab),
        hw.wordsPerDatum(hw.psumBits()), hw.wordsPerDatum(hw.storedActivationBits(ab, load.inputDensity())),
        hw.wordsPerDatum(hw.storedActivationBits(ab, load.outputDensity())),
        hw.zeroGating() ? d : 1.0, hw.activationGating() ? load.inputDensity() : 1.0);
  }

  private EnergyBreakdown breakdown(LayerShape shape, LayerLoad load, Problem pr, Counts counts, Mapping mp) {
    int wb = load.weightBits(), ab = load.activationBits();
    Widths wd = widths(load);
    long nn = ceilDiv(pr.n, mp.n());
    int g = shape.groups();
    LevelCosts acc = counts.accesses(mp.order(), nn, mp.e(), mp.psumsInBuffer(), mp.inputsInBuffer(), wd).times(g);
    LevelCosts writes = counts.writes(mp.psumsInBuffer(), wd).times(g);
    // Executed MACs from the true (unfolded) shape; a fold that does not divide R or S would otherwise add some.
    acc = new LevelCosts(acc.dram(), acc.buffer(), acc.array(), acc.rf(), shape.macs() * wd.gate() * wd.activationGate());
    LevelCosts energy = acc.energy(hw, hw.macScale(wb, ab), writes);
    // One MAC per PE per cycle: a pass takes F·S·p'·q' cycles per image, p' and q' the filters and channels its
    // busiest PE holds (the last chunk of filters or channels may hold fewer).
    int pt = mp.p() * mp.t(), qr = mp.q() * mp.r();
    double perImage = (double) pr.f * pr.s * ceilDiv(pr.e, mp.e())
        * chunkSum(pr.m, pt, mi -> Math.min(mp.p(), mi)) * chunkSum(pr.c, qr, ci -> Math.min(mp.q(), ci));
    double compute = perImage * pr.n * g;
    double dram = hw.dramWordsPerCycle() > 0 ? acc.level(Level.DRAM) / hw.dramWordsPerCycle() : 0;
    Latency latency = Latency.of(compute, dram, hw.peRows() * hw.peColumns(), hw.clockMhz());
    return new EnergyBreakdown(shape.name(), mp, load, shape.macs(), acc, energy, hw.pjPerUnit(), minimumDram(shape, wd), latency);
  }

  /**
   * The least DRAM traffic of any mapping: each (stored) weight read once, each input a filter window touches read
   * once (rows and columns outside every window, e.g. under a stride larger than the filter, are never needed), each
   * output written once.
   */
  private static DataCosts minimumDram(LayerShape s, Widths wd) {
    double weights = (double) s.m() * (s.c() / s.groups()) * s.r() * s.s();
    double rows = touched(s.h(), s.e(), s.r(), s.stride()), cols = touched(s.w(), s.f(), s.s(), s.stride());
    double inputs = (double) s.n() * s.c() * rows * cols;
    double outputs = (double) s.n() * s.m() * s.e() * s.f();
    return new DataCosts(weights * wd.storedW(), inputs * wd.inDram(), outputs * wd.outDram());
  }

  /** Input rows (or columns) some window of {@code outputs} windows of size k at stride u covers, at most {@code size}. */
  private static double touched(int size, int outputs, int k, int u) {
    return Math.min(size, k >= u ? (double) (outputs - 1) * u + k : (double) outputs * k);
  }

  /**
   * The breakdown of a given mapping (not searched, not cached), e.g. a published one; fails naming the first
   * constraint it breaks. The mapping's {@code passes} is recomputed.
   */
  public EnergyBreakdown evaluate(LayerShape shape, LayerLoad load, Mapping m) {
    load = bucketed(load);
    Problem pr = problem(shape, load);
    int ab = load.activationBits(), pb = hw.psumBits();
    double storedBits = hw.storedWeightBits(load.weightBits(), load.weightDensity());
    String where = "mapping " + m + " for " + shape + ": ";
    if (m.fold() != pr.fold || m.setRows() != pr.r)
      throw new IllegalArgumentException(where + "fold must be " + pr.fold + " with " + pr.r + "-row sets on " + hw.name());
    if (m.p() < 1 || m.q() < 1 || m.e() < 1 || m.r() < 1 || m.t() < 1 || m.n() < 1)
      throw new IllegalArgumentException(where + "p, q, e, r, t, n must be >= 1");
    if (m.e() > pr.e || m.p() > pr.m || m.q() > pr.c || m.n() > pr.n)
      throw new IllegalArgumentException(where + "e, p, q, n exceed the layer's E, M, C, N");
    if (m.p() > pr.psumCap) throw new IllegalArgumentException(where + "p > psum pad (" + pr.psumCap + ")");
    if ((long) m.q() * pr.s > pr.ifmapCap) throw new IllegalArgumentException(where + "q·S > ifmap pad (" + pr.ifmapCap + ")");
    if ((long) m.p() * m.q() * pr.s > pr.filterCap) throw new IllegalArgumentException(where + "p·q·S > filter pad (" + pr.filterCap + ")");
    int setH = pr.r * ceilDiv(m.e(), hw.peColumns()), setW = Math.min(m.e(), hw.peColumns());
    long sets = setH > hw.peRows() ? 0 : (long) (hw.peRows() / setH) * (hw.peColumns() / setW);
    if ((long) m.t() * m.r() > sets) throw new IllegalArgumentException(where + "t·r > the " + sets + " sets that fit the array");
    if (m.order() == Mapping.Order.ROWS_OUTER && !m.psumsInBuffer())
      throw new IllegalArgumentException(where + "ROWS_OUTER keeps psums in the buffer");
    long maxRows = Math.min(pr.h, (long) (m.e() - 1) * pr.u + pr.r);
    int pt = m.p() * m.t(), qr = m.q() * m.r();
    long nm = ceilDiv(pr.m, pt), nc = ceilDiv(pr.c, qr), ne = ceilDiv(pr.e, m.e());
    // With one channel chunk nothing accumulates across passes: psums "stay" without holding the whole tile.
    boolean bigPsumTile = m.psumsInBuffer() && (nc > 1 || m.order() == Mapping.Order.ROWS_OUTER);
    if (needBits(pr, m.order(), m.n(), pt, qr, m.e(), bigPsumTile, m.inputsInBuffer(), maxRows, storedBits, ab, pb) > hw.globalBufferBits())
      throw new IllegalArgumentException(where + "its tiles do not fit the " + hw.globalBufferBytes() + " B global buffer");
    long rowsSum = chunkSum(pr.e, m.e(), ei -> Math.min(pr.h, (long) (ei - 1) * pr.u + pr.r));
    Counts k = new Counts(pr, nm, nc, ne, ceilDiv(pr.m, m.p()), ceilDiv(pr.c, m.q()), rowsSum);
    long passes = nm * nc * ne * (m.order() == Mapping.Order.ROWS_OUTER ? ceilDiv(pr.n, m.n()) : pr.n);
    Mapping withPasses = new Mapping(m.order(), m.order() == Mapping.Order.ROWS_OUTER ? m.n() : pr.n, m.p(), m.q(), m.e(),
        m.r(), m.t(), m.setRows(), m.fold(), m.psumsInBuffer(), m.inputsInBuffer(), passes);
    return breakdown(shape, load, pr, k, withPasses);
  }

  private record Candidate(double energy, Mapping mapping, Counts counts) {}

  /** One group's problem after folding. */
  private record Problem(int n, int c, int m, int h, int w, int r, int s, int u, int e, int f, int fold,
                         long filterCap, long ifmapCap, long psumCap) {}

  /**
   * Words per datum: stored weights (with their sparse format) above the PEs, weights in the pads, activations on
   * chip, psums, activations read from and written to DRAM (with the activation format at the measured densities);
   * and the fractions of MACs left by zero-weight and zero-activation gating.
   */
  private record Widths(double storedW, double rfW, double inW, double psW, double inDram, double outDram,
                        double gate, double activationGate) {}

  /** Energy per word of every (level, data type, direction) the counts use, and of one executed MAC. */
  private record Prices(double dramW, double dramI, double dramPr, double dramPw, double bufW, double bufI, double bufPr,
                        double bufPw, double arrW, double arrI, double arrP, double rfW, double rfI, double rfPr, double rfPw,
                        double mac) {
    Prices(Accelerator hw, double macScale) {
      this(hw.dram().read(DataType.WEIGHTS), hw.dram().read(DataType.INPUTS), hw.dram().read(DataType.PSUMS), hw.dram().write(DataType.PSUMS),
          hw.buffer().read(DataType.WEIGHTS), hw.buffer().read(DataType.INPUTS), hw.buffer().read(DataType.PSUMS), hw.buffer().write(DataType.PSUMS),
          hw.array().read(DataType.WEIGHTS), hw.array().read(DataType.INPUTS), hw.array().read(DataType.PSUMS),
          hw.rf().read(DataType.WEIGHTS), hw.rf().read(DataType.INPUTS), hw.rf().read(DataType.PSUMS), hw.rf().write(DataType.PSUMS),
          hw.macEnergy() * macScale);
    }
  }

  /**
   * Chunk statistics of one (p, q, e, r, t) choice, turned into accesses for a loop order. Weights and inputs are
   * only read at every level (a word's delivery into the level below is charged to the level it leaves, as in
   * [ISCA16]'s accounting); psums are read and written: half of each accumulation term is writes, and every output
   * written to DRAM is a write.
   */
  private record Counts(Problem pr, long nm, long nc, long ne, long tSum, long rSum, long rowsSum) {

    LevelCosts accesses(Mapping.Order order, long nn, int e, boolean psumsStay, boolean inputsStay, Widths w) {
      double outputs = (double) pr.n * pr.m * pr.e * pr.f;
      double weights = (double) pr.m * pr.c * pr.r * pr.s;
      double macs = outputs * pr.c * pr.r * pr.s;
      double stripes = (double) pr.n * pr.c * pr.w * rowsSum;
      boolean rowsOuter = order == Mapping.Order.ROWS_OUTER;
      double gated = macs * w.gate() * w.activationGate();

      DataCosts dram = new DataCosts(
          weights * w.storedW(),
          (inputsStay ? (rowsOuter ? stripes : (double) pr.n * pr.c * pr.h * pr.w) : nm * stripes) * w.inDram(),
          outputs * w.outDram() + (psumsStay ? 0 : 2.0 * (nc - 1) * outputs * w.psW()));
      DataCosts buffer = new DataCosts(
          (rowsOuter ? weights * nn * ne : weights) * w.storedW(),
          nm * stripes * w.inW(),
          2.0 * nc * outputs * w.psW());
      DataCosts array = new DataCosts(
          (rowsOuter ? weights * nn * pr.e : weights * Math.min(e, pr.e)) * w.storedW(),
          (double) tSum * pr.n * pr.c * pr.r * pr.e * pr.w * w.inW(),
          outputs * ((double) pr.r * rSum - nc) * w.psW());
      // Zero activations are read from the ifmap pad (to be detected) but skip the weight read, the MAC and its psum update.
      DataCosts rf = new DataCosts(
          gated * w.rfW(),
          macs * w.gate() * w.inW(),
          2.0 * (macs - outputs * pr.r * rSum) * w.gate() * w.activationGate() * w.psW());
      return new LevelCosts(dram, buffer, array, rf, gated);
    }

    /** The writes among {@link #accesses}: psum updates and output writes (the array's transfers are priced as reads). */
    LevelCosts writes(boolean psumsStay, Widths w) {
      double outputs = (double) pr.n * pr.m * pr.e * pr.f;
      double macs = outputs * pr.c * pr.r * pr.s;
      return new LevelCosts(
          new DataCosts(0, 0, outputs * w.outDram() + (psumsStay ? 0 : (nc - 1) * outputs * w.psW())),
          new DataCosts(0, 0, nc * outputs * w.psW()),
          DataCosts.ZERO,
          new DataCosts(0, 0, (macs - outputs * pr.r * rSum) * w.gate() * w.activationGate() * w.psW()),
          0);
    }

    /** The total energy of {@link #accesses} and {@link #writes}, without allocating (the search's inner loop). */
    double energy(Prices c, Mapping.Order order, long nn, int e, boolean psumsStay, boolean inputsStay, Widths w) {
      double outputs = (double) pr.n * pr.m * pr.e * pr.f;
      double weights = (double) pr.m * pr.c * pr.r * pr.s;
      double macs = outputs * pr.c * pr.r * pr.s;
      double stripes = (double) pr.n * pr.c * pr.w * rowsSum;
      boolean rowsOuter = order == Mapping.Order.ROWS_OUTER;
      double gated = macs * w.gate() * w.activationGate();
      double spill = psumsStay ? 0 : (nc - 1) * outputs * w.psW();
      double dram = weights * w.storedW() * c.dramW
          + (inputsStay ? (rowsOuter ? stripes : (double) pr.n * pr.c * pr.h * pr.w) : nm * stripes) * w.inDram() * c.dramI
          + spill * c.dramPr + (outputs * w.outDram() + spill) * c.dramPw;
      double buffer = (rowsOuter ? weights * nn * ne : weights) * w.storedW() * c.bufW + nm * stripes * w.inW() * c.bufI
          + nc * outputs * w.psW() * (c.bufPr + c.bufPw);
      double array = (rowsOuter ? weights * nn * pr.e : weights * Math.min(e, pr.e)) * w.storedW() * c.arrW
          + (double) tSum * pr.n * pr.c * pr.r * pr.e * pr.w * w.inW() * c.arrI
          + outputs * ((double) pr.r * rSum - nc) * w.psW() * c.arrP;
      double rf = gated * w.rfW() * c.rfW + macs * w.gate() * w.inW() * c.rfI
          + (macs - outputs * pr.r * rSum) * w.gate() * w.activationGate() * w.psW() * (c.rfPr + c.rfPw);
      return dram + buffer + array + rf + gated * c.mac;
    }
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /** Σ f(size) over the chunks of {@code total} split into pieces of {@code size} (the last one smaller). */
  private static long chunkSum(int total, int size, java.util.function.IntToLongFunction f) {
    long full = total / size;
    int rem = total % size;
    return full * f.applyAsLong(size) + (rem > 0 ? f.applyAsLong(rem) : 0);
  }

  private int[] sizes(int x) {
    return exhaustive ? java.util.stream.IntStream.rangeClosed(1, x).toArray() : balanced(x);
  }

  /** Sizes v ≤ x with v = ⌈x/⌈x/v⌉⌉, ascending: every chunk count once, with its smallest chunk size. */
  static int[] balanced(int x) {
    int[] tmp = new int[2 * (int) Math.sqrt(x) + 3];
    int k = 0;
    int prev = -1;
    for (int chunks = x; chunks >= 1; ) {
      int v = ceilDiv(x, chunks);
      if (v != prev) {
        if (k == tmp.length) tmp = java.util.Arrays.copyOf(tmp, tmp.length * 2);
        tmp[k++] = v;
        prev = v;
      }
      // next chunk count giving a larger size
      int nextChunks = ceilDiv(x, v + 1);
      if (nextChunks >= chunks) nextChunks = chunks - 1;
      chunks = nextChunks;
      if (v == x) break;
    }
    return java.util.Arrays.copyOf(tmp, k);
  }
}
