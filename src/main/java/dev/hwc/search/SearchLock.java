package dev.hwc.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock that keeps two processes from running one search: an OS file lock on {@code <search dir>/lock}, released
 * when the process ends however it ends (so a crash leaves no stale lock). The file holds the owner's pid.
 */
public final class SearchLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private SearchLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock of the search in {@code searchDir}, or fails naming the process that holds it. */
  public static SearchLock acquire(Path searchDir, String searchId) {
    Path file = searchDir.resolve("lock");
    try {
      Files.createDirectories(searchDir);
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        String owner = Files.readString(file, StandardCharsets.UTF_8).strip();
        ch.close();
        throw new IllegalStateException("search '" + searchId + "' is being run by another process"
            + (owner.isEmpty() ? "" : " (pid " + owner + ")") + "; lock file " + file);
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
      return new SearchLock(ch, l);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether some process holds the lock now (false if there is no lock file). */
  public static boolean isHeld(Path searchDir) {
    Path file = searchDir.resolve("lock");
    if (!Files.exists(file)) return false;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) return true;
      l.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) lock.release();
      channel.close();
    } catch (IOException e) {
      // Closing the channel at exit; the OS drops the lock with the process anyway.
    }
  }
}
