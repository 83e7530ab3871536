package dev.hwc.rl;

import org.junit.jupiter.api.Test;
import java.util.List;

class ScratchTest {
  @Test void variants() {
    CompositeAgent agent = new CompositeAgent(CompositeAgentTest.compositeConfig(), CompositeAgentTest.ddpgConfig(), CompositeAgentTest.rainbowConfig(), 2, 1, 3, 21);
    Rng env = new Rng(22);
    System.out.println("noisy0 " + agent.rainbow().noiseLevel());
    for (int e = 0; e < 1500; e++) {
      agent.learn(CompositeAgentTest.episode(agent, env, 1, true));
      if (e % 300 == 299) System.out.println(e + " frac " + CompositeAgentTest.fractionOfOptimum(agent) + " sigma " + agent.ddpg().noiseSigma() + " noisy " + agent.rainbow().noiseLevel());
    }
    for (int i = 0; i < 20; i++) {
      double x = (i + 0.5) / 20;
      var a = agent.act(CompositeAgentTest.state(x, 0, 1), false);
      float[] in = new float[66];
      System.arraycopy(a.hidden(), 0, in, 0, 64); in[64] = (float) x; in[65] = 0;
      System.out.printf("x %.3f k %d a %.3f  q %s%n", x, a.discrete(), a.continuous()[0], java.util.Arrays.toString(agent.rainbow().qValues(in)));
    }
  }
}
