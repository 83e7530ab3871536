package dev.hwc.energy;

/**
 * One row-stationary mapping of a layer (per group) onto the PE array, in the notation of Chen et al., ISCA 2016
 * §V / JSSC 2017 Table III: a logical PE set is {@code setRows} filter rows × {@code e} output rows (folded into
 * strips when e exceeds the array width); {@code t × r} sets fill the array, t working on different filters and r on
 * different input channels; each PE holds {@code p} filters × {@code q} channels of one filter row. A pass therefore
 * covers p·t filters, q·r channels, e output rows and {@code n} images.
 *
 * @param order       loop order above the array (which data stay in the global buffer)
 * @param n           images per pass (ROWS_OUTER) — FILTERS_OUTER streams the whole batch through each pass
 * @param fold        filter-row × filter-column folds (R or S larger than the array/scratch pad; 1 when none)
 * @param psumsInBuffer  partial sums stay in the global buffer across channel chunks (else they spill to DRAM)
 * @param inputsInBuffer the input stripe (ROWS_OUTER) or whole input (FILTERS_OUTER) stays in the buffer across filter chunks
 * @param passes      array passes per group
 */
public record Mapping(Order order, int n, int p, int q, int e, int r, int t, int setRows, int fold,
                      boolean psumsInBuffer, boolean inputsInBuffer, long passes) {

  /** Loop order above the array. */
  public enum Order {
    /**
     * images → output-row chunks → filter chunks → channel chunks: all (compressed) weights stay in the global
     * buffer, each pass's psums too; inputs are re-read per filter chunk unless the stripe stays.
     */
    ROWS_OUTER,
    /**
     * filter chunks → channel chunks → images → output-row chunks: each pass's weights stay in the filter scratch
     * pads for the whole batch and all output rows (read once); inputs are re-read per filter chunk unless the whole
     * input stays; psums spill to DRAM across channel chunks unless the whole filter chunk's output fits.
     */
    FILTERS_OUTER
  }

  @Override
  public String toString() {
    return order + " n=" + n + " p=" + p + " q=" + q + " e=" + e + " r=" + r + " t=" + t + " set=" + setRows + "x" + e
        + (fold > 1 ? " fold=" + fold : "") + (psumsInBuffer ? " psums@GLB" : " psums@DRAM")
        + (inputsInBuffer ? " inputs@GLB" : "") + " passes=" + passes;
  }
}
