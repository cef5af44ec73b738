package io.bopsweep.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * SparkSessions of the CLI: the master given (or set by spark-submit), else local mode on
 * 127.0.0.1 without a UI. Settings a user gives (spark-submit --conf, -Dspark.*) win.
 */
final class Spark {
  private Spark() {}

  /** Analysis commands: local[*] unless a master is given. */
  static SparkSession session(String appName, String master) {
    return builder(appName, master, "local[*]").config("spark.sql.shuffle.partitions",
        new SparkConf().get("spark.sql.shuffle.partitions", "4")).getOrCreate();
  }

  /**
   * A builder with the master resolved: {@code master}, else spark.master, else {@code localMaster}
   * with local-mode defaults.
   */
  static SparkSession.Builder builder(String appName, String master, String localMaster) {
    return io.bopsweep.sweep.SparkSessions.builder(appName, master, localMaster);
  }
}
