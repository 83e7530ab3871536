package dev.hwc.compress;

import dev.hwc.model.LayerShape;

/**
 * What one layer became: the decision as applied ({@code appliedAlgorithm} names what ran, e.g. "none" where a
 * coarse decision cannot act, or "FilterL1 (fallback)"), bits after pinning, kept channels, and the thinned
 * layer's size. {@code sparsity} = 1 − non-zero weights / the dense layer's weights (coarse and fine together).
 * {@code inputDensity}: the fraction of its input activations that are non-zero after its input quantizer, on the
 * calibration samples (what the accelerator's zero gating and activation coding see).
 */
public record LayerStats(int index, String layer, String algorithm, String appliedAlgorithm, double pruneRatio,
                         int weightBits, int activationBits, int inChannels, int outChannels,
                         int keptInChannels, int keptOutChannels, double sparsity, long params, long nonZeroWeights,
                         long macs, long nonZeroMacs, LayerShape shape, double inputDensity) {}
