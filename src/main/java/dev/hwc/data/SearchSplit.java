package dev.hwc.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which images steer a search (its search subset) and which are reported as its test figures ({@code hwc.data.search-split}).
 * The two never overlap, and neither overlaps the images the model was trained on.
 */
public enum SearchSplit {
  /** {@link #VAL} where the data has a validation split, else {@link #HOLDOUT} for a model hwc trained on these files
   *  (it never saw the holdout), else {@link #TEST_HALF}. */
  AUTO,
  /** Search subset held out of the training split (hwc's own models are trained without it); test: the test split. */
  HOLDOUT,
  /** Search subset from the validation split; test: the test split. */
  VAL,
  /** Search subset from one fixed-seed half of the test split; test: the other half. */
  TEST_HALF;

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static SearchSplit parse(String s) {
    for (SearchSplit v : values()) if (v.configName().equals(s)) return v;
    throw new IllegalArgumentException("hwc.data.search-split '" + s + "' is not one of "
        + String.join(", ", Arrays.stream(values()).map(SearchSplit::configName).toList()));
  }
}
