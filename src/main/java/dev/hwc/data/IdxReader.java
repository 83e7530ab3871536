package dev.hwc.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format: big-endian magic {@code 0x0000 08 nd}, nd dimension sizes, unsigned bytes),
 * gzip-compressed or raw. Only unsigned-byte payloads are supported, as in every MNIST-family dataset.
 */
public final class IdxReader {
  private IdxReader() {}

  /** An IDX tensor of unsigned bytes. */
  public record IdxArray(int[] dims, byte[] data) {
    public int count() { return dims[0]; }
  }

  public static IdxArray read(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": file not found");
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read(), b1 = raw.read();
      raw.reset();
      InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
      return read(new DataInputStream(in), file);
    } catch (java.util.zip.ZipException e) {
      throw new IllegalArgumentException(file + ": corrupt gzip stream (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static IdxArray read(DataInputStream in, Path file) throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + ": truncated IDX header");
    }
    int type = (magic >>> 8) & 0xff, nd = magic & 0xff;
    if ((magic >>> 16) != 0 || type != 0x08 || nd < 1 || nd > 4)
      throw new IllegalArgumentException(String.format("%s: bad IDX magic number 0x%08x (expected 0x000008%02x..: unsigned-byte data)", file, magic, 1));
    int[] dims = new int[nd];
    long total = 1;
    try {
      for (int i = 0; i < nd; i++) {
        dims[i] = in.readInt();
        if (dims[i] < 0) throw new IllegalArgumentException(file + ": negative dimension " + dims[i]);
        total *= dims[i];
      }
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + ": truncated IDX header");
    }
    if (total > Integer.MAX_VALUE) throw new IllegalArgumentException(file + ": IDX payload too large (" + total + " bytes)");
    byte[] data = new byte[(int) total];
    try {
      in.readFully(data);
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + ": truncated: header promises " + total + " bytes of data");
    }
    if (in.read() != -1) throw new IllegalArgumentException(file + ": trailing bytes after " + total + " bytes of data");
    return new IdxArray(dims, data);
  }
}
