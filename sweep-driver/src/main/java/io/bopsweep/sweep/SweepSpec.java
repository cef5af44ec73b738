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
 */
public record SweepSpec(
    String name,
    String description,
    String source,
    Map<String, Object> fixed,
    Map<String, List<Object>> grid,
    List<Map<String, Object>> points,
    List<Long> seeds,
    boolean needsCluster) {}
