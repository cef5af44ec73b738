package io.bopsweep.dashboard;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The trials rows the index read, kept between runs of {@code serve} in the user's cache
 * (never in the store): one file per store, {@code DIR/<SHA-256 of the store's URI>.json}, each
 * trials file's rows under its name, length and modification time. A restart takes the rows of a
 * file whose name, length and time are as cached, and reads every other file; a cache that cannot
 * be read (missing, damaged, of another format or store) is a cache of nothing.
 */
final class IndexCache {
  /** Changes when the rows' encoding or the columns read change. */
  static final int FORMAT = 1;
  private static final JsonMapper JSON = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** One trials file as read: its length and time when read, and its rows (column to value, in file order). */
  record Entry(long modified, long length, List<Map<String, Object>> rows) {}

  private final Path file;
  private final String store;

  IndexCache(Path dir, String storeUri) {
    this.file = dir.resolve(sha256(storeUri) + ".json");
    this.store = storeUri;
  }

  /** The cache of a store in the user's cache directory ($XDG_CACHE_HOME, else ~/.cache), under bopsweep/dashboard/. */
  static IndexCache forUser(String storeUri) {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return new IndexCache(base.resolve("bopsweep").resolve("dashboard"), storeUri);
  }

  Path file() {
    return file;
  }

  /** The cached files by name; none where the cache cannot be read. */
  Map<String, Entry> load() {
    Map<String, Entry> out = new HashMap<>();
    try {
      if (!Files.isRegularFile(file)) {
        return out;
      }
      JsonNode root = JSON.readTree(file.toFile());
      if (root.path("format").asInt() != FORMAT || !store.equals(root.path("store").asText())
          || !skipped().equals(strings(root.path("skipped")))) {
        return out;
      }
      for (Map.Entry<String, JsonNode> f : root.path("files").properties()) {
        JsonNode e = f.getValue();
        List<String> columns = strings(e.get("columns"));
        List<String> types = strings(e.get("types"));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode values : e.get("rows")) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i), value(values.get(i), types.get(i)));
          }
          rows.add(row);
        }
        out.put(f.getKey(), new Entry(e.get("modified").asLong(), e.get("length").asLong(), rows));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return new HashMap<>();
    }
  }

  /** Writes the cache (a new file renamed over the old one); a cache directory that cannot be written keeps no cache. */
  synchronized void save(Map<String, Entry> files) {
    Map<String, Object> byName = new LinkedHashMap<>();
    new TreeSet<>(files.keySet()).forEach(name -> byName.put(name, encode(files.get(name))));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("store", store);
    root.put("skipped", List.copyOf(skipped()));
    root.put("files", byName);
    Path tmp = null;
    try {
      Files.createDirectories(file.getParent());
      tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
      JSON.writeValue(tmp.toFile(), root);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        if (tmp != null) {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException ignored) {
        // the temporary file stays; a later save replaces the cache all the same
      }
    }
  }

  private static Map<String, Object> encode(Entry e) {
    Set<String> columnSet = new LinkedHashSet<>();
    e.rows().forEach(r -> columnSet.addAll(r.keySet()));
    List<String> columns = List.copyOf(columnSet);
    List<String> types = new ArrayList<>();
    for (String c : columns) {
      types.add(e.rows().stream().map(r -> r.get(c)).filter(v -> v != null).findFirst().map(IndexCache::type).orElse("n"));
    }
    List<List<Object>> rows = new ArrayList<>();
    for (Map<String, Object> r : e.rows()) {
      List<Object> values = new ArrayList<>();
      columns.forEach(c -> values.add(r.get(c)));
      rows.add(values);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("modified", e.modified());
    out.put("length", e.length());
    out.put("columns", columns);
    out.put("types", types);
    out.put("rows", rows);
    return out;
  }

  /** The Java type of a value as read from Parquet ({@code StoreAccess.readTrialRows}), so that it is read back the same. */
  private static String type(Object v) {
    if (v instanceof Integer) {
      return "i";
    } else if (v instanceof Long) {
      return "l";
    } else if (v instanceof Double) {
      return "d";
    } else if (v instanceof Boolean) {
      return "b";
    }
    return "s";
  }

  private static Object value(JsonNode v, String type) {
    if (v == null || v.isNull()) {
      return null;
    }
    return switch (type) {
      case "i" -> v.asInt();
      case "l" -> v.asLong();
      case "d" -> v.asDouble();
      case "b" -> v.asBoolean();
      default -> v.asText();
    };
  }

  private static List<String> skipped() {
    return List.copyOf(new TreeSet<>(StoreAccess.TRIAL_COLUMNS_SKIPPED));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
