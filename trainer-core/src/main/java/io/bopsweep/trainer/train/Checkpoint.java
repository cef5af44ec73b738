package io.bopsweep.trainer.train;

import io.bopsweep.trainer.config.Seeds;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The state of a trial at the end of an epoch: enough to continue it and get exactly the epochs
 * an uninterrupted run gets. Random state needs no entry: every draw comes from a stream derived
 * from (seed, epoch), see {@link Seeds}.
 *
 * @param configJson the trial's canonical config, checked on restore
 * @param records the epochs finished so far
 * @param arrays parameters, BN statistics and optimizer state, by name
 * @param counters optimizer step counts and flags, by name
 */
public record Checkpoint(
    String configJson, long globalStep, List<EpochRecord> records, Map<String, Tensor> arrays,
    Map<String, Long> counters) {

  private static final int MAGIC = 0x42435054; // "BCPT"
  private static final int VERSION = 1;

  /** An array copied to the host: its type ("float32", "float64"), shape and little-endian bytes. */
  public record Tensor(String dtype, long[] shape, byte[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor t && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape)
          && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }
  }

  public int epochsDone() {
    return records.size();
  }

  public void write(OutputStream out) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(buffer);
    d.writeInt(MAGIC);
    d.writeInt(VERSION);
    writeString(d, configJson);
    d.writeLong(globalStep);
    writeString(d, Json.lines(records));
    d.writeInt(counters.size());
    for (Map.Entry<String, Long> e : counters.entrySet()) {
      writeString(d, e.getKey());
      d.writeLong(e.getValue());
    }
    d.writeInt(arrays.size());
    for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
      writeString(d, e.getKey());
      writeString(d, e.getValue().dtype());
      long[] shape = e.getValue().shape();
      d.writeInt(shape.length);
      for (long s : shape) {
        d.writeLong(s);
      }
      byte[] data = e.getValue().data();
      d.writeInt(data.length);
      d.write(data);
    }
    d.flush();
    byte[] body = buffer.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(body);
    out.write(body);
    new DataOutputStream(out).writeLong(crc.getValue());
    out.flush();
  }

  /** Reads a checkpoint, refusing a truncated or corrupted one. */
  public static Checkpoint read(InputStream in, String source) throws IOException {
    byte[] all = in.readAllBytes();
    if (all.length < 16) {
      throw new IOException(source + ": not a checkpoint (too short)");
    }
    byte[] body = Arrays.copyOf(all, all.length - 8);
    long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
    CRC32 crc = new CRC32();
    crc.update(body);
    if (crc.getValue() != stored) {
      throw new IOException(source + ": checkpoint is corrupted (checksum mismatch)");
    }
    DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(body));
    if (d.readInt() != MAGIC || d.readInt() != VERSION) {
      throw new IOException(source + ": not a checkpoint of this version");
    }
    String config = readString(d);
    long step = d.readLong();
    List<EpochRecord> records = Json.parseLines(readString(d));
    int nCounters = d.readInt();
    Map<String, Long> counters = new LinkedHashMap<>();
    for (int i = 0; i < nCounters; i++) {
      counters.put(readString(d), d.readLong());
    }
    int nArrays = d.readInt();
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    for (int i = 0; i < nArrays; i++) {
      String name = readString(d);
      String dtype = readString(d);
      long[] shape = new long[d.readInt()];
      for (int k = 0; k < shape.length; k++) {
        shape[k] = d.readLong();
      }
      byte[] data = new byte[d.readInt()];
      d.readFully(data);
      arrays.put(name, new Tensor(dtype, shape, data));
    }
    return new Checkpoint(config, step, records, arrays, counters);
  }

  /** A length-prefixed UTF-8 string (the checkpoint and saved-model formats). */
  static void writeString(DataOutputStream d, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    d.writeInt(b.length);
    d.write(b);
  }

  static String readString(DataInputStream d) throws IOException {
    byte[] b = new byte[d.readInt()];
    d.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
