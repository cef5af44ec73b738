package io.bopsweep.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The index of an ImageNet-style folder ({@code train/CLASS/*.JPEG} and {@code val/CLASS/*.JPEG},
 * classes named alike in both, labels in sorted order of the names), kept in the data cache while
 * the images stay where they are. Each split's index lists its files in one fixed pseudo-random
 * order, so that train_limit, test_limit and validation_split take images of every class.
 */
final class ImageFolderIndex {
  static final String CLASSES = "classes.txt";
  static final String TRAIN = "train.tsv";
  static final String VAL = "val.tsv";
  static final String ROOT = "root.txt";
  static final long ORDER_SEED = 20190101L;
  static final int FULL_CLASSES = 1000;
  static final int FULL_TRAIN = 1_281_167;
  static final int FULL_VAL = 50_000;

  private static final Set<String> EXTENSIONS = Set.of("jpeg", "jpg", "png");

  private ImageFolderIndex() {}

  /** The index files' contents, by file name, and what they hold. */
  record Index(Map<String, String> files, int classes, int train, int val) {
    /** imagenet for the complete ILSVRC-2012 train and val sets, else imagenet-unverified. */
    String variant() {
      return classes == FULL_CLASSES && train == FULL_TRAIN && val == FULL_VAL ? "imagenet" : "imagenet-unverified";
    }

    /** SHA-256 of each index file's contents, by file name. */
    Map<String, String> sha256() {
      Map<String, String> sums = new TreeMap<>();
      files.forEach((name, text) -> sums.put(name, Downloads.sha256(text.getBytes(StandardCharsets.UTF_8))));
      return sums;
    }
  }

  /** Scans a folder; throws naming the first thing that is missing or wrong. */
  static Index scan(Path root) {
    if (!Files.isDirectory(root)) {
      throw new DataException(root + ": not a directory (imagenet needs a folder with train/ and val/)");
    }
    Path train = root.resolve("train");
    Path val = root.resolve("val");
    for (Path p : List.of(train, val)) {
      if (!Files.isDirectory(p)) {
        throw new DataException(p + ": missing (imagenet needs train/ and val/, one folder per class in each)");
      }
    }
    List<String> classes = classDirs(train);
    if (classes.isEmpty()) {
      throw new DataException(train + ": no class folders");
    }
    List<String> valClasses = classDirs(val);
    Set<String> extra = new HashSet<>(valClasses);
    classes.forEach(extra::remove);
    if (!extra.isEmpty()) {
      throw new DataException(val + ": class folder " + extra.stream().sorted().findFirst().get() + " is not in train/");
    }
    if (classes.size() > Short.MAX_VALUE) {
      throw new DataException(train + ": " + classes.size() + " classes, at most " + Short.MAX_VALUE);
    }
    Map<String, String> files = new TreeMap<>();
    files.put(CLASSES, String.join("\n", classes) + "\n");
    StringBuilder t = new StringBuilder();
    int nTrain = list(root, "train", classes, t);
    StringBuilder v = new StringBuilder();
    int nVal = list(root, "val", classes, v);
    if (nVal == 0) {
      throw new DataException(val + ": no images");
    }
    files.put(TRAIN, t.toString());
    files.put(VAL, v.toString());
    return new Index(files, classes.size(), nTrain, nVal);
  }

  private static List<String> classDirs(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
          .sorted().toList();
    } catch (IOException e) {
      throw new DataException(dir + ": cannot list (" + DataCache.oneLine(e) + ")", e);
    }
  }

  /** Appends "split/class/file TAB label TAB bytes" lines in the fixed shuffled order; returns the count. */
  private static int list(Path root, String split, List<String> classes, StringBuilder out) {
    List<String> lines = new ArrayList<>();
    for (int label = 0; label < classes.size(); label++) {
      Path dir = root.resolve(split).resolve(classes.get(label));
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> images;
      try (Stream<Path> s = Files.list(dir)) {
        images = s.filter(p -> EXTENSIONS.contains(extension(p))).sorted().toList();
      } catch (IOException e) {
        throw new DataException(dir + ": cannot list (" + DataCache.oneLine(e) + ")", e);
      }
      for (Path p : images) {
        long size;
        try {
          size = Files.size(p);
        } catch (IOException e) {
          throw new DataException(p + ": cannot read (" + DataCache.oneLine(e) + ")", e);
        }
        if (size == 0) {
          throw new DataException(p + ": empty file");
        }
        lines.add(split + "/" + classes.get(label) + "/" + p.getFileName() + "\t" + label + "\t" + size);
      }
    }
    int[] order = Batches.shuffled(lines.size(), new SplittableRandom(ORDER_SEED));
    for (int i : order) {
      out.append(lines.get(i)).append('\n');
    }
    return lines.size();
  }

  private static String extension(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** The two splits of an indexed folder, as images of side x side. */
  static DataCache.Loaded read(Path cacheDir, String variant, int side) {
    try {
      Path root = Path.of(Files.readString(cacheDir.resolve(ROOT)).strip());
      int classes = (int) Files.readAllLines(cacheDir.resolve(CLASSES)).stream().filter(l -> !l.isEmpty()).count();
      return new DataCache.Loaded(variant, split(cacheDir.resolve(TRAIN), root, classes, side),
          split(cacheDir.resolve(VAL), root, classes, side));
    } catch (IOException e) {
      throw new DataException(cacheDir + ": unreadable imagenet index (" + DataCache.oneLine(e) + ")", e);
    }
  }

  private static ImageFolderSet split(Path tsv, Path root, int classes, int side) throws IOException {
    List<String> names = new ArrayList<>();
    short[] labels = new short[1024];
    try (BufferedReader r = Files.newBufferedReader(tsv, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t");
        if (f.length != 3) {
          throw new DataException(tsv + ": malformed line '" + line + "'");
        }
        if (names.size() == labels.length) {
          labels = java.util.Arrays.copyOf(labels, labels.length * 2);
        }
        labels[names.size()] = Short.parseShort(f[1]);
        names.add(f[0]);
      }
    }
    return new ImageFolderSet(root, names.toArray(String[]::new), java.util.Arrays.copyOf(labels, names.size()),
        classes, side);
  }
}
