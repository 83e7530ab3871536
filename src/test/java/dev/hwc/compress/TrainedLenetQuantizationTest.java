package dev.hwc.compress;

import dev.hwc.cli.HwcConfig;
import dev.hwc.data.DataSettings;
import dev.hwc.data.DataSplits;
import dev.hwc.model.Evaluator;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Post-training 8-bit quantization of the trained LeNet-5 (models/lenet5.zip) costs at most 0.5 points of test accuracy. */
class TrainedLenetQuantizationTest {

  @Test void uniformEightBitLosesAtMostHalfAPoint() {
    Path model = HwcConfig.home().resolve("models/lenet5.zip");
    assumeTrue(Files.isRegularFile(model), "skipped: trained model " + model + " is missing (train it with: bin/hwc train --arch lenet5 --epochs N --out models/lenet5.zip)");
    DataSettings ds = DataSettings.from(HwcConfig.load(null));
    assumeTrue(Files.isDirectory(ds.dir()), "skipped: Fashion-MNIST not found in " + ds.dir());
    Network net = ModelIO.load(model);
    DataSplits splits = DataSplits.load(ds, net.signature("lenet5"));
    ModelGraph graph = ModelGraph.of(net);
    ExecutableNetwork exec = ExecutableNetwork.withActivationQuantization(net);
    CompressionSettings settings = CompressorTest.BASE_INPUTS;
    Compressor c = new Compressor(graph, net.params(), Calibration.collect(exec, splits.calibration(), settings.calibrationImages(), 256), settings);
    double base = Evaluator.evaluate(exec, splits.test()).accuracy();
    List<CompressionPlan.LayerPlan> l = new ArrayList<>();
    for (ModelGraph.Layer layer : graph.layers()) l.add(new CompressionPlan.LayerPlan(layer.name(), LayerDecision.dense(8)));
    c.apply(new CompressionPlan(l)).applyTo(exec);
    double q = Evaluator.evaluate(exec, splits.test()).accuracy();
    assertTrue(base - q <= 0.005, "8-bit accuracy " + q + " vs fp32 " + base);
    assertTrue(base > 0.8, "the trained model should be trained, accuracy " + base);
  }
}
