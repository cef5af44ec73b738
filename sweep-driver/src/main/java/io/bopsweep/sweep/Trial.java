package io.bopsweep.sweep;

import io.bopsweep.trainer.config.TrialConfig;
import java.io.Serializable;
import java.util.Map;

/**
 * One trial of a sweep: its id (hash of the resolved config), the sweep that asked for it, the
 * config, and the values of the swept keys (for tables).
 */
public record Trial(String id, String sweep, TrialConfig config, Map<String, Object> swept) implements Serializable {}
