package dev.hwc.search;

import dev.hwc.search.SearchEvent.CheckpointRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Agent checkpoints as files {@code checkpoints/<agent>-<episode>.bin} under a search's directory. */
public final class CheckpointStore {
  private static final Pattern NAME = Pattern.compile("([a-z]+)-(\\d+)\\.bin");
  private final Path searchDir;

  public CheckpointStore(Path searchDir) {
    this.searchDir = searchDir;
  }

  /** Writes atomically (temp file, then move), so a crash never leaves a half checkpoint under the final name. */
  public CheckpointRef write(String agent, int episode, byte[] bytes) {
    String file = "checkpoints/" + agent + "-" + episode + ".bin";
    Path p = searchDir.resolve(file);
    try {
      Files.createDirectories(p.getParent());
      Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + p + ": " + e.getMessage(), e);
    }
    return new CheckpointRef(agent, file, sha256(bytes), bytes.length);
  }

  /** Reads a checkpoint and checks its SHA-256 against the journal's. */
  public byte[] read(CheckpointRef ref) {
    Path p = searchDir.resolve(ref.file());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + p + ": " + e.getMessage(), e);
    }
    String sha = sha256(bytes);
    if (!sha.equals(ref.sha256()))
      throw new IllegalStateException("checkpoint " + p + " has SHA-256 " + sha + ", the journal says " + ref.sha256());
    return bytes;
  }

  /** Deletes the checkpoint files of episodes other than those given (only the latest is needed to resume). */
  public void retainOnly(Set<Integer> episodes) {
    Path dir = searchDir.resolve("checkpoints");
    if (!Files.isDirectory(dir)) return;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (m.matches() && !episodes.contains(Integer.parseInt(m.group(2)))) Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean checkpoints in " + dir + ": " + e.getMessage(), e);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
