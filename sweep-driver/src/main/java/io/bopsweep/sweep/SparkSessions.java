package io.bopsweep.sweep;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * SparkSession builders with the master resolved: the master given (or set by spark-submit), else
 * local mode on 127.0.0.1 without a UI. Settings a user gives (spark-submit --conf, -Dspark.*) win.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** {@code master}, else spark.master, else {@code localMaster} with local-mode defaults. */
  public static SparkSession.Builder builder(String appName, String master, String localMaster) {
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
