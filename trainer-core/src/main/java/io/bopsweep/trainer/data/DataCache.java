package io.bopsweep.trainer.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.Settings;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.KnownData.IdxFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of verified datasets, one subdirectory each ({@code mnist/}, {@code fashion-mnist/},
 * {@code cifar10/}), each complete once its {@code DATASET.json} marker exists. A dataset is
 * assembled in a temporary directory, verified, marked, then renamed into place, under a lock that
 * holds across threads and processes: readers never see a half-written dataset.
 */
public final class DataCache {
  private static final Logger LOG = LoggerFactory.getLogger(DataCache.class);
  static final String MARKER = "DATASET.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
  private static final Map<String, Loaded> LOADED = new ConcurrentHashMap<>();

  private final Path root;

  public DataCache(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** --data-dir if given, else $BOPSWEEP_DATA, else $XDG_CACHE_HOME/bopsweep/data or ~/.cache/bopsweep/data. */
  public static DataCache resolve(String dataDir) {
    if (dataDir != null && !dataDir.isBlank()) {
      return new DataCache(Path.of(dataDir));
    }
    String env = System.getenv("BOPSWEEP_DATA");
    if (env != null && !env.isBlank()) {
      return new DataCache(Path.of(env));
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return new DataCache(base.resolve("bopsweep").resolve("data"));
  }

  public Path root() {
    return root;
  }

  public Path dir(Dataset dataset) {
    return root.resolve(dataset.id());
  }

  /** What a verified dataset in the cache is. */
  public record Entry(String name, String variant, String source, Map<String, String> sha256) {}

  /** A loaded dataset. */
  public record Loaded(String variant, Images train, Images test) {}

  /** The dataset's marker if it is in the cache. */
  public Entry entry(Dataset dataset) {
    Path marker = dir(dataset).resolve(MARKER);
    if (!Files.isRegularFile(marker)) {
      return null;
    }
    try {
      return JSON.readValue(marker.toFile(), Entry.class);
    } catch (IOException e) {
      throw new DataException(marker + ": unreadable cache marker (" + e.getMessage() + "); delete " + dir(dataset));
    }
  }

  /**
   * Fetches a dataset into the cache unless it is there already. With {@code from}, that path or
   * URL is the only source; otherwise the built-in sources are tried in order.
   *
   * @return the cache entry
   */
  public Entry fetch(Dataset dataset, String from) {
    return withLock(dataset, () -> {
      Entry existing = entry(dataset);
      if (existing != null && from == null) {
        return existing;
      }
      return fetchLocked(dataset, from);
    });
  }

  private Entry fetchLocked(Dataset dataset, String from) {
    if (DatasetFormat.of(dataset).indexesUserFolder()) {
      return indexImageFolder(dataset, from);
    }
    {
      List<Source> sources = from != null ? List.of(Sources.local(dataset, from)) : Sources.builtIn(dataset);
      List<String> failures = new ArrayList<>();
      for (Source source : sources) {
        Path tmp = newTempDir(dataset);
        try {
          LOG.info("fetching {} from {}", dataset.id(), source.describe());
          String variantHint = source.fetchInto(tmp);
          Entry entry = verifyDir(dataset, tmp, source.describe(), variantHint);
          writeMarker(tmp, entry);
          install(dataset, tmp);
          LOADED.remove(dir(dataset).toString());
          return entry;
        } catch (DataException e) {
          failures.add(e.getMessage());
          if (from != null) {
            throw e;
          }
        } catch (IOException | RuntimeException e) {
          failures.add(source.describe() + ": " + oneLine(e));
          if (from != null) {
            throw new DataException(from + ": " + oneLine(e), e);
          }
        } finally {
          deleteTree(tmp);
        }
      }
      throw new DataException("could not fetch " + dataset.id() + ": " + String.join("; ", failures));
    }
  }

  /**
   * ImageNet cannot be downloaded (its licence): the cache keeps an index of the user's folder
   * (see {@link ImageFolderIndex}), and the images stay there.
   */
  private Entry indexImageFolder(Dataset dataset, String from) {
    if (from == null) {
      throw new DataException("imagenet cannot be downloaded; give its folder: bopsweep data fetch imagenet --from DIR"
          + " (DIR/train/CLASS/*.JPEG and DIR/val/CLASS/*.JPEG)");
    }
    Path root = Path.of(from).toAbsolutePath().normalize();
    ImageFolderIndex.Index index = ImageFolderIndex.scan(root);
    Path tmp = newTempDir(dataset);
    try {
      for (Map.Entry<String, String> f : index.files().entrySet()) {
        Files.writeString(tmp.resolve(f.getKey()), f.getValue());
      }
      Files.writeString(tmp.resolve(ImageFolderIndex.ROOT), root + "\n");
      Entry entry = new Entry(dataset.id(), index.variant(), root.toString(), index.sha256());
      writeMarker(tmp, entry);
      install(dataset, tmp);
      LOADED.remove(dir(dataset).toString());
      LOG.info("indexed {}: {} classes, {} training and {} validation images", root, index.classes(), index.train(),
          index.val());
      return entry;
    } catch (IOException e) {
      throw new DataException(dir(dataset) + ": cannot write the imagenet index (" + oneLine(e) + ")", e);
    } finally {
      deleteTree(tmp);
    }
  }

  /** The cached dataset, fetched first (from {@code from} if given, else the built-in sources) if it is missing. */
  public Entry ensure(Dataset dataset, String from) {
    Entry existing = entry(dataset);
    if (existing != null) {
      return existing;
    }
    return withLock(dataset, () -> {
      Entry again = entry(dataset);
      return again != null ? again : fetchLocked(dataset, from);
    });
  }

  /** Re-verifies a cached dataset completely (sizes, headers, counts, checksums). */
  public Entry verify(Dataset dataset) {
    Entry recorded = entry(dataset);
    if (recorded == null) {
      throw new DataException(dir(dataset) + ": " + dataset.id() + " is not in the cache; run: bopsweep data fetch "
          + dataset.id());
    }
    Entry now = verifyDir(dataset, dir(dataset), recorded.source(), recorded.variant());
    if (DatasetFormat.of(dataset).indexesUserFolder() && !now.sha256().equals(recorded.sha256())) {
      throw new DataException(recorded.source() + ": images were added, removed or changed since the folder was indexed;"
          + " run: bopsweep data fetch imagenet --from " + recorded.source());
    }
    if (!now.sha256().equals(recorded.sha256())) {
      throw new DataException(dir(dataset) + ": files changed since they were fetched (checksum mismatch)");
    }
    return now;
  }

  /** Loads a cached dataset (once per JVM; later calls share the arrays). */
  public Loaded load(Dataset dataset) {
    Entry entry = entry(dataset);
    if (entry == null) {
      throw new DataException(dir(dataset) + ": " + dataset.id() + " is not in the cache; run: bopsweep data fetch "
          + dataset.id());
    }
    return LOADED.computeIfAbsent(dir(dataset).toString(), k -> read(dataset, dir(dataset), entry.variant()));
  }

  /**
   * A trial's data: its dataset loaded from this cache, cut by its train_limit, test_limit and
   * validation_split. The one step from a config to what {@code TrialRunner.run} trains on.
   */
  public Splits splits(TrialConfig cfg) {
    Loaded data = load(cfg.get(Settings.DATASET));
    return Splits.forTrial(cfg, data.variant(), data.train(), data.test());
  }

  static Loaded read(Dataset dataset, Path dir, String variant) {
    return DatasetFormat.of(dataset).read(dir, variant);
  }

  /** Checks a dataset directory and says what it holds; throws naming the first bad file. */
  static Entry verifyDir(Dataset dataset, Path dir, String source, String variantHint) {
    try {
      return DatasetFormat.of(dataset).verify(dir, source, variantHint);
    } catch (IOException e) {
      throw new DataException(dir + ": cannot read: " + oneLine(e), e);
    }
  }

  static void requireFiles(Path dir, List<String> names) {
    List<String> missing = names.stream().filter(n -> !Files.isRegularFile(dir.resolve(n))).toList();
    if (!missing.isEmpty()) {
      throw new DataException(dir + ": missing " + String.join(", ", missing));
    }
  }

  private void writeMarker(Path dir, Entry entry) throws IOException {
    JSON.writeValue(dir.resolve(MARKER).toFile(), entry);
  }

  private void install(Dataset dataset, Path tmp) throws IOException {
    Path target = dir(dataset);
    if (Files.exists(target)) {
      Path old = root.resolve("." + dataset.id() + ".old-" + System.nanoTime());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
  }

  private Path newTempDir(Dataset dataset) {
    try {
      Files.createDirectories(root);
      return Files.createTempDirectory(root, "." + dataset.id() + ".tmp-");
    } catch (FileSystemException e) {
      throw new DataException(root + ": cache directory is not writable (" + oneLine(e) + ")");
    } catch (IOException e) {
      throw new DataException(root + ": cache directory is not usable (" + oneLine(e) + ")");
    }
  }

  private <T> T withLock(Dataset dataset, java.util.function.Supplier<T> body) {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new DataException(root + ": cache directory is not writable (" + oneLine(e) + ")");
    }
    Path lockFile = root.resolve("." + dataset.id() + ".lock");
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
    jvmLock.lock();
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      return body.get();
    } catch (FileSystemException e) {
      throw new DataException(root + ": cache directory is not writable (" + oneLine(e) + ")");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      jvmLock.unlock();
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.warn("could not delete {}: {}", p, e.getMessage());
        }
      });
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null) {
      m = e.getClass().getSimpleName();
    }
    return m.lines().findFirst().orElse(m);
  }

  static Set<String> expectedIdx(Dataset d) {
    if (!(DatasetFormat.of(d) instanceof IdxDataset idx)) {
      throw new IllegalArgumentException(d.id() + " has no IDX files");
    }
    return Set.copyOf(idx.known().stream().map(IdxFile::name).toList());
  }
}
