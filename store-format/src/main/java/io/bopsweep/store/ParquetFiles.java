package io.bopsweep.store;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetInputFormat;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;

/**
 * Readers of store files, row by row as {@link Group}s, built on the caller's Hadoop configuration.
 * Parquet's {@code ParquetReader.builder(support, path)} starts from a new Hadoop configuration, and
 * loading one (parsing Hadoop's XML defaults) costs more than reading a small store file: it was
 * three quarters of a check of 20,000 store files (docs/performance.md, Store at scale).
 */
public final class ParquetFiles {
  private ParquetFiles() {}

  /** A reader of every column of {@code file}, with the {@link GroupReadSupport} (which honours a read schema in conf). */
  public static ParquetReader.Builder<Group> groups(Path file, Configuration conf) throws IOException {
    return groups(file, conf, new GroupReadSupport());
  }

  /** A reader of {@code file} through {@code support}. */
  public static ParquetReader.Builder<Group> groups(Path file, Configuration conf, ReadSupport<Group> support)
      throws IOException {
    return new GroupReader(HadoopInputFile.fromPath(file, conf), new HadoopParquetConfiguration(conf), support);
  }

  /** A file reader of {@code file} (footer, row groups) with read options from conf. */
  public static ParquetFileReader open(Path file, Configuration conf) throws IOException {
    return ParquetFileReader.open(HadoopInputFile.fromPath(file, conf), HadoopReadOptions.builder(conf, file).build());
  }

  /**
   * The configuration to read a store's files with: on the local (checksummed) file system reads
   * are not vectored unless conf says so ({@link ParquetInputFormat#HADOOP_VECTORED_IO_ENABLED}), as a
   * vectored read of a small file costs more CPU there than a plain one (docs/dashboard.md,
   * Timings); object stores keep them, as they gain from fetching ranges at once.
   */
  public static Configuration readConfiguration(Configuration conf, FileSystem fs) {
    if (!"file".equals(fs.getUri().getScheme()) || conf.get(ParquetInputFormat.HADOOP_VECTORED_IO_ENABLED) != null) {
      return conf;
    }
    Configuration local = new Configuration(conf);
    local.setBoolean(ParquetInputFormat.HADOOP_VECTORED_IO_ENABLED, false);
    return local;
  }

  private static final class GroupReader extends ParquetReader.Builder<Group> {
    private final ReadSupport<Group> support;

    GroupReader(InputFile file, ParquetConfiguration conf, ReadSupport<Group> support) {
      super(file, conf);
      this.support = support;
    }

    @Override
    protected ReadSupport<Group> getReadSupport() {
      return support;
    }
  }
}
