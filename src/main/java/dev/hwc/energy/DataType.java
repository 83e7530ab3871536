package dev.hwc.energy;

/** What moves: filter weights, input activations (ifmaps), partial sums (and the final outputs they become). */
public enum DataType { WEIGHTS, INPUTS, PSUMS }
