package dev.hwc.model;

/** The prunable layer kinds: the search makes one decision per layer of these kinds. */
public enum LayerKind {
  CONV,
  DEPTHWISE_CONV,
  DENSE
}
