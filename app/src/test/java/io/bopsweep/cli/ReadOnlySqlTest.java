package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadOnlySqlTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "INSERT OVERWRITE DIRECTORY '/tmp/store/epochs' USING parquet SELECT * FROM epochs",
      "INSERT INTO trials SELECT * FROM trials",
      "WITH t AS (SELECT 1 AS x) INSERT OVERWRITE TABLE trials SELECT * FROM t",
      "CREATE TABLE x USING parquet LOCATION '/tmp/x' AS SELECT * FROM trials",
      "CREATE OR REPLACE TEMPORARY VIEW trials AS SELECT 1",
      "DROP TABLE trials",
      "DROP VIEW epochs",
      "ALTER TABLE trials RENAME TO t2",
      "TRUNCATE TABLE trials",
      "CACHE TABLE trials",
      "SET spark.sql.warehouse.dir=/tmp/w",
      "ADD JAR /tmp/evil.jar",
      "DELETE FROM trials WHERE 1 = 1"})
  void statementsThatWriteOrChangeStateAreNotQueries(String sql) {
    assertNotNull(ReadOnlySql.nonQuery(sql), sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT gamma, avg(final_test_acc) FROM trials GROUP BY gamma",
      "WITH best AS (SELECT max(best_test_acc) AS b FROM trials) SELECT * FROM best",
      "SELECT * FROM epochs e JOIN trials t ON e.trial_id = t.trial_id WHERE t.status = 'DONE' ORDER BY epoch",
      "SELECT 'INSERT INTO x' AS text, 'DROP TABLE trials' AS other",
      "VALUES (1, 2)",
      "SELECT * FROM (SELECT 1) UNION ALL SELECT 2"})
  void queriesAreQueries(String sql) {
    assertNull(ReadOnlySql.nonQuery(sql), sql);
  }

  @org.junit.jupiter.api.Test
  void theRefusalNamesTheStatementsKind() {
    assertEquals("InsertIntoDir", ReadOnlySql.nonQuery("INSERT OVERWRITE DIRECTORY '/x' USING parquet SELECT 1"));
  }
}
