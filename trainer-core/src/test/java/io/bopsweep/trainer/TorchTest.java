package io.bopsweep.trainer;

import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.train.TorchRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of tests that work on NDArrays directly: the engine on one thread, one manager per test class. */
public abstract class TorchTest {
  protected static NDManager manager;

  @BeforeAll
  static void engine() {
    TorchRuntime.enter(1);
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void closeManager() {
    manager.close();
  }
}
