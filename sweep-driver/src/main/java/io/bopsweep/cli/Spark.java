package io.bopsweep.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession of analysis commands: local unless spark-submit or --master says otherwise. */
final class Spark {
  private Spark() {}

  static SparkSession session(String appName, String master) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    String m = master != null ? master : conf.get("spark.master", null);
    if (m == null) {
      b.master("local[*]")
          .config("spark.ui.enabled", conf.get("spark.ui.enabled", "false"))
          .config("spark.sql.shuffle.partitions", conf.get("spark.sql.shuffle.partitions", "4"))
          .config("spark.driver.host", conf.get("spark.driver.host", "127.0.0.1"))
          .config("spark.driver.bindAddress", conf.get("spark.driver.bindAddress", "127.0.0.1"));
    } else {
      b.master(m);
    }
    return b.getOrCreate();
  }
}
