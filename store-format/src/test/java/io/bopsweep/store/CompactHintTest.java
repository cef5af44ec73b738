package io.bopsweep.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class CompactHintTest {
  private static StoreCheck.Result withTrials(int singles, int packs) {
    List<Path> trials = new ArrayList<>();
    for (int i = 0; i < packs; i++) {
      trials.add(new Path("/s/trials/" + StorePacks.fileName(i + 1)));
    }
    for (int i = 0; i < singles; i++) {
      trials.add(new Path(String.format("/s/trials/%016x.parquet", i)));
    }
    return new StoreCheck.Result(List.of(), trials, List.of());
  }

  @Test
  void readersOfAStoreWithAThousandTrialsInFilesOfTheirOwnAreToldToCompactIt() {
    assertEquals(999, withTrials(999, 3).singleTrials(), "packs are not single trials");
    assertEquals(Optional.empty(), withTrials(999, 3).compactHint("/s"));
    assertEquals(Optional.empty(), withTrials(0, 0).compactHint("/s"));
    assertEquals(Optional.of("note: /s keeps 1,000 trials in files of their own, and readers spend most of their time"
        + " opening them: bopsweep store compact /s packs them into a few files"), withTrials(1000, 2).compactHint("/s"));
  }
}
