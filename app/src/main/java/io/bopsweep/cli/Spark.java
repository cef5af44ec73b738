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
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    String m = master != null ? master : conf.get("spark.master", null);
    if (m == null) {
      b.master(localMaster)
          .config("spark.ui.enabled", conf.get("spark.ui.enabled", "false"))
          .config("spark.driver.host", conf.get("spark.driver.host", "127.0.0.1"))
          .config("spark.driver.bindAddress", conf.get("spark.driver.bindAddress", "127.0.0.1"));
    } else {
      b.master(m);
    }
    return b;
  }
}
