package dev.hwc.cli;

import dev.hwc.energy.Accelerator;
import dev.hwc.model.LayerKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class EnergyCommandTest {
  static final Accelerator V1 = Accelerator.load(Path.of("conf/hardware/eyeriss-v1.conf"));

  @Test void parsesALayerSpecWithDefaults() {
    var w = EnergyCommand.parseLayer("C=3,H=227,M=96,R=11,stride=4,wbits=4,abits=8,density=0.5", 0, V1);
    var s = w.shape();
    assertEquals(1, s.n());
    assertEquals(227, s.w());
    assertEquals(11, s.s());
    assertEquals(55, s.e());
    assertEquals(LayerKind.CONV, s.kind());
    assertEquals(4, w.load().weightBits());
    assertEquals(8, w.load().activationBits());
    assertEquals(0.5, w.load().weightDensity());
    assertEquals(LayerKind.DENSE, EnergyCommand.parseLayer("C=10,H=1,M=5,R=1", 0, V1).shape().kind());
    assertEquals(LayerKind.DEPTHWISE_CONV, EnergyCommand.parseLayer("C=8,H=8,M=8,R=3,groups=8", 0, V1).shape().kind());
  }

  @Test void badSpecsNameTheKey() {
    var e = assertThrows(IllegalArgumentException.class, () -> EnergyCommand.parseLayer("C=3,H=8,R=3", 0, V1));
    assertEquals("--layer \"C=3,H=8,R=3\": missing M", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EnergyCommand.parseLayer("C=3,H=8,M=2,R=3,wbits=x", 0, V1));
    assertEquals("--layer \"C=3,H=8,M=2,R=3,wbits=x\": WBITS must be an integer, was 'x'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EnergyCommand.parseLayer("C=3,H=8,M=2,R=3,density=0", 0, V1));
    assertEquals("--layer \"C=3,H=8,M=2,R=3,density=0\": weightDensity must be in (0, 1], was 0.0", e.getMessage());
  }

  @Test void unknownKeyExitsWithTwoAndOneLine() {
    var err = new StringWriter();
    var cl = Hwc.commandLine();
    cl.setErr(new PrintWriter(err));
    int rc = cl.execute("energy", "--layer", "C=3,H=8,M=2,R=3,X=1", "--hardware", "conf/hardware/eyeriss-v1.conf");
    assertEquals(2, rc);
    assertTrue(err.toString().startsWith("hwc energy: error: --layer \"C=3,H=8,M=2,R=3,X=1\": unknown key 'X'"), err.toString());
  }

  @Test void printsTheTableForOneLayer() {
    var out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out));
    int rc;
    try {
      rc = Hwc.commandLine().execute("energy", "--layer", "N=1,C=1,H=5,M=1,R=3", "--hardware", "conf/hardware/eyeriss-v1.conf");
    } finally {
      System.setOut(old);
    }
    assertEquals(0, rc);
    String text = out.toString();
    // the hand-computed 5×5 layer of RowStationaryModelTest: total 9443
    assertTrue(text.contains("9443"), text);
    assertTrue(text.contains("DRAM words per MAC 0.53086"), text);
  }

  @Test void uniformSpecIsDenseBitsForNow() {
    assertEquals(new dev.hwc.energy.LayerLoad(6, 8, 1.0), EnergyCommand.parseUniform("0:none:6:8", 8));
    assertEquals(dev.hwc.energy.LayerLoad.dense(8), EnergyCommand.parseUniform(null, 8));
    var e = assertThrows(IllegalArgumentException.class, () -> EnergyCommand.parseUniform("0.3:magnitude:6:8", 8));
    assertEquals("--uniform \"0.3:magnitude:6:8\": pruning ratio 0.3 needs the compressor (which weights and channels go depends on the "
        + "model's weights): use R=0 here, or 'hwc compress --uniform 0.3:magnitude:6:8', which prints the compressed model's energy", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EnergyCommand.parseUniform("0:none:6", 8));
    assertEquals("--uniform \"0:none:6\": expected R:ALG:W:A, e.g. 0:none:6:8", e.getMessage());
  }

  /** lenet5's prunable layers come from the model package; at 4/4 bits every layer costs less than at 8/8. */
  @Test void modelModeEstimatesEveryPrunableLayer() {
    var shapes = EnergyCommand.modelShapes("lenet5");
    assertEquals(5, shapes.size());
    var me = new dev.hwc.energy.ModelEnergy(new dev.hwc.energy.RowStationaryModel(V1), 8);
    var est = EnergyCommand.estimateModel(me, shapes.stream()
        .map(s -> new dev.hwc.energy.ModelEnergy.LayerWork(s, dev.hwc.energy.LayerLoad.dense(4))).toList());
    assertEquals(5, est.layers().size());
    assertTrue(est.reduction() > 0.3, "4-bit vs 8-bit: " + est.reduction());
    for (int i = 0; i < 5; i++)
      assertTrue(est.layers().get(i).totalEnergy() < me.layer(shapes.get(i), dev.hwc.energy.LayerLoad.dense(8)).totalEnergy());
  }
}
