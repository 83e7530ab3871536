package dev.hwc.energy;

/** The levels of the Eyeriss storage hierarchy, cheapest last, plus the MAC datapath. */
public enum Level {
  DRAM,
  /** The on-chip global buffer (GLB). */
  BUFFER,
  /** The inter-PE network: GLB→PE deliveries (per destination PE) and PE→PE psum forwarding. */
  ARRAY,
  /** The per-PE scratch pads (register files). */
  RF,
  MAC
}
