package io.bopsweep.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.bopsweep.trainer.model.Network;
import io.bopsweep.trainer.model.Param;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A trained network as a DONE trial keeps it: what a binary-weight forward pass reads. Binary
 * kernels whose values are all +-1 are packed one bit per weight (1: +1); every other parameter
 * (BatchNorm scales and shifts, real-valued layers) and every state array (BatchNorm running
 * statistics) is kept as its raw bytes. Latent weights and optimizer state are not kept.
 *
 * <p>File layout (big-endian framing): int magic "BMDL", int version, string config JSON, int
 * count, then per array: string name, byte kind (0 raw, 1 sign bits), string dtype, int rank,
 * long dims, int byte count, bytes; then a CRC-32 of everything before it, as a long. Strings
 * are an int byte count and UTF-8.
 */
public record SavedModel(String configJson, Map<String, Array> arrays) {
  static final int MAGIC = 0x424d444c; // "BMDL"
  public static final int VERSION = 1;

  public SavedModel {
    arrays = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
  }

  /**
   * One array: {@code signBits} says whether {@code data} is packed signs (bit i of byte i/8,
   * least significant first, set for +1) or the array's native-order bytes.
   */
  public record Array(boolean signBits, String dtype, long[] shape, byte[] data) {
    public long size() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Array a && signBits == a.signBits && dtype.equals(a.dtype) && Arrays.equals(shape, a.shape)
          && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }
  }

  /** A model file that cannot be used: missing, truncated, corrupted, another version or another network. */
  public static final class ModelFileException extends IOException {
    public ModelFileException(String message) {
      super(message);
    }
  }

  /** Copies a network's parameters and state arrays to the host. */
  public static SavedModel of(String configJson, Network net) {
    Map<String, Array> arrays = new LinkedHashMap<>();
    for (Param p : net.params()) {
      arrays.put(p.name(), p.isBinaryKernel() ? packedOrRaw(p.value()) : raw(p.value()));
    }
    net.state().forEach((name, a) -> arrays.put(name, raw(a)));
    return new SavedModel(configJson, arrays);
  }

  private static Array raw(NDArray a) {
    return new Array(false, a.getDataType().asNumpy(), a.getShape().getShape(), a.toByteArray());
  }

  /** Sign bits where every value is exactly +-1 (the binary weights after training), else the raw bytes. */
  static Array packedOrRaw(NDArray a) {
    if (a.getDataType() != DataType.FLOAT32) {
      return raw(a);
    }
    float[] v = a.toFloatArray();
    byte[] bits = new byte[(v.length + 7) / 8];
    for (int i = 0; i < v.length; i++) {
      if (v[i] == 1f) {
        bits[i >>> 3] |= (byte) (1 << (i & 7));
      } else if (v[i] != -1f) {
        return raw(a);
      }
    }
    return new Array(true, a.getDataType().asNumpy(), a.getShape().getShape(), bits);
  }

  /** Unpacks an array to float32 values (sign bits) or returns its raw bytes as they are. */
  static byte[] nativeBytes(Array a) {
    if (!a.signBits()) {
      return a.data();
    }
    int n = Math.toIntExact(a.size());
    ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.nativeOrder());
    FloatBuffer f = out.asFloatBuffer();
    for (int i = 0; i < n; i++) {
      f.put(i, (a.data()[i >>> 3] >>> (i & 7) & 1) == 1 ? 1f : -1f);
    }
    return out.array();
  }

  /** Writes this model's values into a network built from the same config. */
  public void restoreInto(Network net, String source) throws ModelFileException {
    Map<String, NDArray> targets = new LinkedHashMap<>();
    for (Param p : net.params()) {
      targets.put(p.name(), p.value());
    }
    targets.putAll(net.state());
    if (!targets.keySet().equals(arrays.keySet())) {
      throw new ModelFileException(source + ": arrays " + arrays.keySet() + " do not match the network "
          + targets.keySet());
    }
    for (Map.Entry<String, NDArray> e : targets.entrySet()) {
      Array a = arrays.get(e.getKey());
      NDArray target = e.getValue();
      if (!a.dtype().equals(target.getDataType().asNumpy()) || !Arrays.equals(a.shape(), target.getShape().getShape())) {
        throw new ModelFileException(source + ": array " + e.getKey() + " has another type or shape than the network's");
      }
      ByteBuffer bytes = ByteBuffer.wrap(nativeBytes(a)).order(ByteOrder.nativeOrder());
      if (target.getDataType() == DataType.FLOAT64) {
        target.set(bytes.asDoubleBuffer());
      } else {
        target.set(bytes.asFloatBuffer());
      }
    }
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(buffer);
      d.writeInt(MAGIC);
      d.writeInt(VERSION);
      Checkpoint.writeString(d, configJson);
      d.writeInt(arrays.size());
      for (Map.Entry<String, Array> e : arrays.entrySet()) {
        Array a = e.getValue();
        Checkpoint.writeString(d, e.getKey());
        d.writeByte(a.signBits() ? 1 : 0);
        Checkpoint.writeString(d, a.dtype());
        d.writeInt(a.shape().length);
        for (long s : a.shape()) {
          d.writeLong(s);
        }
        d.writeInt(a.data().length);
        d.write(a.data());
      }
      CRC32 crc = new CRC32();
      crc.update(buffer.toByteArray());
      d.writeLong(crc.getValue());
      d.flush();
      return buffer.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e); // in memory
    }
  }

  /** Reads a model file's bytes, refusing a truncated, corrupted or foreign one with one line naming {@code source}. */
  public static SavedModel fromBytes(byte[] all, String source) throws ModelFileException {
    if (all.length < 16) {
      throw new ModelFileException(source + ": not a model file (truncated: " + all.length + " bytes)");
    }
    ByteBuffer header = ByteBuffer.wrap(all);
    if (header.getInt(0) != MAGIC) {
      throw new ModelFileException(source + ": not a bopsweep model file");
    }
    int version = header.getInt(4);
    if (version != VERSION) {
      throw new ModelFileException(source + ": model format version " + version + ", this bopsweep reads version "
          + VERSION);
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    if (crc.getValue() != header.getLong(all.length - 8)) {
      throw new ModelFileException(source + ": model file is damaged or truncated (checksum mismatch)");
    }
    try {
      DataInputStream d = new DataInputStream(new ByteArrayInputStream(all, 8, all.length - 16));
      String config = Checkpoint.readString(d);
      int n = d.readInt();
      Map<String, Array> arrays = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = Checkpoint.readString(d);
        boolean bits = d.readByte() == 1;
        String dtype = Checkpoint.readString(d);
        long[] shape = new long[d.readInt()];
        for (int k = 0; k < shape.length; k++) {
          shape[k] = d.readLong();
        }
        byte[] data = new byte[d.readInt()];
        d.readFully(data);
        arrays.put(name, new Array(bits, dtype, shape, data));
      }
      if (d.available() != 0) {
        throw new ModelFileException(source + ": model file has " + d.available() + " bytes after its arrays");
      }
      return new SavedModel(config, arrays);
    } catch (EOFException | NegativeArraySizeException | OutOfMemoryError e) {
      throw new ModelFileException(source + ": model file is malformed");
    } catch (ModelFileException e) {
      throw e;
    } catch (IOException e) {
      throw new ModelFileException(source + ": model file is malformed (" + e.getMessage() + ")");
    }
  }

  /** The names of the arrays kept as sign bits. */
  public List<String> packedNames() {
    return arrays.entrySet().stream().filter(e -> e.getValue().signBits()).map(Map.Entry::getKey).toList();
  }
}
