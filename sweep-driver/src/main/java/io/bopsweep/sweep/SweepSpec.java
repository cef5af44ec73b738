package io.bopsweep.sweep;

import java.util.List;
import java.util.Map;

/**
 * A parsed sweep: fixed settings, grid axes (cartesian product), explicit points, and seeds.
 * Expansion ({@link Grid#expand}) crosses every point with the grid and every seed.
 *
 * @param name what results and reports call this sweep
 * @param source the file it came from, for messages
 * @param fixed settings shared by every trial
 * @param grid axis name to its values, in the order written
 * @param points explicit partial settings; one empty point if none were given
 * @param seeds the seeds every point is repeated for
 * @param needsCluster the spec says it does not fit one machine (e.g. ImageNet); plan works, sweep warns
 * @param random a random search that proposes the combinations instead of the grid (then empty), or null
 * @param scheduler decides round by round how far each trial trains ({@link Scheduler.Asha},
 *     {@link Scheduler.MedianStopping}); {@link Scheduler.FullBudget} (also when given null): every
 *     trial trains all its epochs in one round
 */
public record SweepSpec(
    String name,
    String description,
    String source,
    Map<String, Object> fixed,
    Map<String, List<Object>> grid,
    List<Map<String, Object>> points,
    List<Long> seeds,
    boolean needsCluster,
    Searcher.RandomSearch random,
    Scheduler scheduler) {

  public SweepSpec {
    scheduler = scheduler == null ? new Scheduler.FullBudget() : scheduler;
  }

  public SweepSpec(String name, String description, String source, Map<String, Object> fixed,
      Map<String, List<Object>> grid, List<Map<String, Object>> points, List<Long> seeds, boolean needsCluster) {
    this(name, description, source, fixed, grid, points, seeds, needsCluster, null, null);
  }

  /** What proposes the combinations crossed with points and seeds: the random search, else the grid. */
  public Searcher searcher() {
    return random != null ? random : new Searcher.GridSearch(grid);
  }
}
