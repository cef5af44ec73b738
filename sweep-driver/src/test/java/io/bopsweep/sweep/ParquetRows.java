package io.bopsweep.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/** A store file's rows as Parquet holds them, read without Spark. */
public final class ParquetRows {
  private ParquetRows() {}

  /** Every row of the file, ordered by its epoch column (0 where it has none). */
  public static List<Group> read(Path file) throws Exception {
    List<Group> out = new ArrayList<>();
    try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(file.toUri()))
        .withConf(new Configuration()).build()) {
      Group g;
      while ((g = r.read()) != null) {
        out.add(g);
      }
    }
    out.sort((a, b) -> Integer.compare(a.getInteger("epoch", 0), b.getInteger("epoch", 0)));
    return out;
  }
}
