package dev.hwc.rl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary checkpoint format: big-endian primitives and length-prefixed arrays, a magic tag and a version at
 * the start. Floats are written as raw bits, so a round trip is exact.
 */
final class Bytes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Bytes() {}

  static final class Writer {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(buf);

    Writer(String magic, int version) { str(magic); i32(version); }

    Writer i32(int v) { try { out.writeInt(v); } catch (IOException e) { throw new UncheckedIOException(e); } return this; }
    Writer i64(long v) { try { out.writeLong(v); } catch (IOException e) { throw new UncheckedIOException(e); } return this; }
    Writer f32(float v) { try { out.writeFloat(v); } catch (IOException e) { throw new UncheckedIOException(e); } return this; }
    Writer f64(double v) { try { out.writeDouble(v); } catch (IOException e) { throw new UncheckedIOException(e); } return this; }
    Writer bool(boolean v) { return i32(v ? 1 : 0); }

    Writer str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i32(b.length);
      try { out.write(b); } catch (IOException e) { throw new UncheckedIOException(e); }
      return this;
    }

    /** A value as length-prefixed JSON (the agents' configs: readable, and versioned by its field names). */
    Writer json(Object value) {
      try {
        return bytes(JSON.writeValueAsBytes(value));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
      }
    }

    Writer bytes(byte[] b) {
      i32(b.length);
      try { out.write(b); } catch (IOException e) { throw new UncheckedIOException(e); }
      return this;
    }

    // Arrays in bulk through a big-endian buffer: the same bytes as element-wise writes, without a call per element
    // (an agent checkpoint is megabytes, written every episode).
    Writer floats(float[] a) { ByteBuffer b = block(a.length, 4); b.asFloatBuffer().put(a); return raw(b); }
    Writer doubles(double[] a) { ByteBuffer b = block(a.length, 8); b.asDoubleBuffer().put(a); return raw(b); }
    Writer ints(int[] a) { ByteBuffer b = block(a.length, 4); b.asIntBuffer().put(a); return raw(b); }
    Writer longs(long[] a) { ByteBuffer b = block(a.length, 8); b.asLongBuffer().put(a); return raw(b); }

    private ByteBuffer block(int n, int width) {
      i32(n);
      return ByteBuffer.allocate(Math.multiplyExact(n, width));
    }

    private Writer raw(ByteBuffer b) {
      try { out.write(b.array()); } catch (IOException e) { throw new UncheckedIOException(e); }
      return this;
    }

    byte[] toByteArray() { return buf.toByteArray(); }
  }

  static final class Reader {
    private final DataInputStream in;

    Reader(byte[] data, String magic, int version) {
      in = new DataInputStream(new ByteArrayInputStream(data));
      String m;
      try { m = str(); } catch (RuntimeException e) { throw new IllegalArgumentException("not a " + magic + " checkpoint (unreadable header)"); }
      if (!m.equals(magic)) throw new IllegalArgumentException("not a " + magic + " checkpoint (found '" + m + "')");
      int v = i32();
      if (v != version) throw new IllegalArgumentException(magic + " checkpoint version " + v + " is not supported (expected " + version + ")");
    }

    private static IllegalArgumentException truncated(IOException e) {
      return new IllegalArgumentException("checkpoint is truncated or corrupt: " + e, e);
    }

    int i32() { try { return in.readInt(); } catch (IOException e) { throw truncated(e); } }
    long i64() { try { return in.readLong(); } catch (IOException e) { throw truncated(e); } }
    float f32() { try { return in.readFloat(); } catch (IOException e) { throw truncated(e); } }
    double f64() { try { return in.readDouble(); } catch (IOException e) { throw truncated(e); } }
    boolean bool() { return i32() != 0; }

    private int len() {
      int n = i32();
      if (n < 0 || n > 1 << 28) throw new IllegalArgumentException("checkpoint is corrupt: array length " + n);
      return n;
    }

    String str() { return new String(bytes(), StandardCharsets.UTF_8); }

    /** A value written by {@link Writer#json}; {@code whose} names the checkpoint in the error when it cannot be read. */
    <T> T json(Class<T> type, String whose) {
      try {
        return JSON.readValue(bytes(), type);
      } catch (IOException e) {
        throw new IllegalArgumentException(whose + " checkpoint has an unreadable config: " + e.getMessage(), e);
      }
    }

    byte[] bytes() {
      byte[] b = new byte[len()];
      try { in.readFully(b); } catch (IOException e) { throw truncated(e); }
      return b;
    }

    float[] floats() { int n = len(); float[] a = new float[n]; block(n, 4).asFloatBuffer().get(a); return a; }
    double[] doubles() { int n = len(); double[] a = new double[n]; block(n, 8).asDoubleBuffer().get(a); return a; }
    int[] ints() { int n = len(); int[] a = new int[n]; block(n, 4).asIntBuffer().get(a); return a; }
    long[] longs() { int n = len(); long[] a = new long[n]; block(n, 8).asLongBuffer().get(a); return a; }

    private ByteBuffer block(int n, int width) {
      byte[] b = new byte[Math.multiplyExact(n, width)];
      try { in.readFully(b); } catch (IOException e) { throw truncated(e); }
      return ByteBuffer.wrap(b);
    }

    void end() {
      try {
        if (in.read() != -1) throw new IllegalArgumentException("checkpoint has trailing bytes");
      } catch (EOFException e) {
        // fine
      } catch (IOException e) {
        throw truncated(e);
      }
    }
  }
}
