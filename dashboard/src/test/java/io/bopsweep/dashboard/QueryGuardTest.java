package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.execution.SparkSqlParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryGuardTest {
  private static final QueryGuard GUARD = new QueryGuard(SparkViews.VIEWS);
  private static final SparkSqlParser PARSER = new SparkSqlParser();

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM trials",
      "select gamma, avg(final_test_acc) from TRIALS group by gamma",
      "WITH best AS (SELECT trial_id FROM trials WHERE final_test_acc > 0.9) SELECT e.* FROM epochs e JOIN best USING (trial_id)",
      "SELECT count(*) FROM trials WHERE sweep IN (SELECT sweep FROM epochs_raw)",
      "SELECT * FROM trials_raw t WHERE EXISTS (SELECT 1 FROM epochs e WHERE e.trial_id = t.trial_id)",
      "SELECT trial_id, epoch, test_acc FROM epochs_live WHERE trial_id NOT IN (SELECT trial_id FROM trials)",
      "VALUES (1, 2)"})
  void admitsOneQueryOverTheViews(String sql) {
    assertDoesNotThrow(() -> GUARD.check(PARSER, sql));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM parquet.`/etc`",
      "SELECT * FROM csv.`/etc/passwd`",
      "SELECT * FROM json.`file:///etc/passwd`",
      "SELECT * FROM text.`hdfs://namenode/secret`",
      "WITH t AS (SELECT * FROM parquet.`/tmp/x`) SELECT * FROM t",
      "SELECT * FROM trials WHERE trial_id IN (SELECT value FROM text.`/etc/passwd`)",
      "SELECT * FROM read_files('/etc/passwd')",
      "SELECT * FROM range(10)",
      "SELECT * FROM other_table",
      "SELECT * FROM epochs_running_raw",
      "SELECT * FROM default.trials",
      "SELECT * FROM IDENTIFIER('parquet.`/etc`')",
      "SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
      "SELECT java_method('java.lang.System', 'exit', 0)",
      "SELECT input_file_name() FROM trials",
      "INSERT INTO trials SELECT * FROM trials",
      "INSERT OVERWRITE DIRECTORY '/tmp/out' SELECT * FROM trials",
      "CREATE TABLE x AS SELECT * FROM trials",
      "CREATE TEMPORARY VIEW v AS SELECT * FROM parquet.`/etc`",
      "DROP VIEW trials",
      "SET spark.sql.runSQLOnFiles=true",
      "ADD JAR /tmp/evil.jar",
      "LOAD DATA LOCAL INPATH '/etc/passwd' INTO TABLE trials",
      "CACHE TABLE trials",
      "SELECT 1; DROP VIEW trials",
      "EXPLAIN SELECT * FROM trials",
      "not sql at all"})
  void refusesEverythingElseWithOneLine(String sql) {
    DashboardException e = assertThrows(DashboardException.class, () -> GUARD.check(PARSER, sql));
    assertTrue(e.getMessage().startsWith("refused: "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }
}
