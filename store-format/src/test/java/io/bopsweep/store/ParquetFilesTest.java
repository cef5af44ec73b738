package io.bopsweep.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetInputFormat;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetFilesTest {
  @TempDir Path tmp;

  @Test
  void aReaderReadsWithTheCallersConfiguration() throws IOException {
    org.apache.hadoop.fs.Path file = ResultRowsTest.path(tmp.resolve("e.parquet"));
    List<Map<String, Object>> rows = List.of(ResultRowsTest.epochRow("a1", 1, false), ResultRowsTest.epochRow("a1", 2, true));
    ResultRows.write(file, ResultRowsTest.SCHEMA.epochs(), rows, new Configuration());

    List<Group> all = read(file, new Configuration());
    assertEquals(2, all.size());
    assertEquals(ResultRowsTest.SCHEMA.epochs(), all.get(0).getType());
    assertEquals(2, all.get(1).getInteger("epoch", 0));

    // a read schema set in the caller's configuration acts: the reader did not start from a configuration of its own
    Configuration projected = new Configuration();
    projected.set(ReadSupport.PARQUET_READ_SCHEMA, "message epochs { required binary trial_id (STRING); required int32 epoch; }");
    List<Group> two = read(file, projected);
    assertEquals(List.of("trial_id", "epoch"), two.get(0).getType().getFields().stream().map(t -> t.getName()).toList());
    assertEquals("a1", two.get(1).getString("trial_id", 0));
    assertEquals(2, two.get(1).getInteger("epoch", 0));
  }

  private static List<Group> read(org.apache.hadoop.fs.Path file, Configuration conf) throws IOException {
    List<Group> out = new ArrayList<>();
    try (ParquetReader<Group> reader = ParquetFiles.groups(file, conf).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        out.add(g);
      }
    }
    return out;
  }

  @Test
  void aLocalStoreIsReadWithoutVectoredReadsUnlessItsConfigurationSaysSo() {
    RawLocalFileSystem local = new RawLocalFileSystem();
    Configuration plain = new Configuration();
    Configuration read = ParquetFiles.readConfiguration(plain, local);
    assertFalse(read.getBoolean(ParquetInputFormat.HADOOP_VECTORED_IO_ENABLED, true));
    assertNull(plain.get(ParquetInputFormat.HADOOP_VECTORED_IO_ENABLED), "the caller's configuration is left as it was");

    Configuration asked = new Configuration();
    asked.setBoolean(ParquetInputFormat.HADOOP_VECTORED_IO_ENABLED, true);
    assertSame(asked, ParquetFiles.readConfiguration(asked, local));

    RawLocalFileSystem remote = new RawLocalFileSystem() {
      @Override
      public java.net.URI getUri() {
        return java.net.URI.create("hdfs://namenode:8020/");
      }
    };
    assertSame(plain, ParquetFiles.readConfiguration(plain, remote));
  }
}
