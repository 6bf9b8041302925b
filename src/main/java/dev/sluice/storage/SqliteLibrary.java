package dev.sluice.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Where the SQLite driver finds its native library. Left alone, sqlite-jdbc copies the library for
 * this platform out of the jar into the temporary directory on every start and compares the copy
 * with the jar's byte by byte: about 0.3 s of each start-up. Here the library is copied once, next to
 * the jar ({@code native/sqlite-<version>/}, written to a temporary name and moved into place), and
 * the driver is pointed at it ({@code org.sqlite.lib.path} and {@code org.sqlite.lib.name}). The
 * directory is named after the driver's version, so a new driver gets a new copy. When the jar's directory cannot be written, or Sluice runs
 * from classes rather than a jar, or the user set {@code org.sqlite.lib.path} already, nothing
 * changes and the driver does as it always does.
 */
public final class SqliteLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteLibrary.class);
  private static final String PATH = "org.sqlite.lib.path";
  private static final String NAME = "org.sqlite.lib.name";
  private static boolean done;

  private SqliteLibrary() {
  }

  /** Points the driver at the copy next to the running jar (made when missing); once per process. */
  public static synchronized void prepare() {
    if (done) {
      return;
    }
    done = true;
    if (System.getProperty(PATH) != null) {
      return;
    }
    Path jarDir = jarDirectory();
    if (jarDir == null) {
      return;
    }
    Path dir = jarDir.resolve("native").resolve("sqlite-" + SQLiteJDBCLoader.getVersion());
    Path lib = copyOnce(dir);
    if (lib != null) {
      System.setProperty(PATH, lib.getParent().toString());
      System.setProperty(NAME, lib.getFileName().toString());
    }
  }

  /**
   * The platform's library copied into {@code dir} unless it is there already.
   *
   * @return the copy, or null when the jar has no library for this platform or it cannot be written
   */
  static Path copyOnce(Path dir) {
    String name = LibraryLoaderUtil.getNativeLibName();
    Path lib = dir.resolve(name);
    if (Files.isRegularFile(lib)) {
      return lib; // written whole or not at all (moved into place)
    }
    String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, name, ".part");
      try {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        try {
          Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      return lib;
    } catch (IOException | SecurityException e) {
      LOG.debug("SQLite's native library not cached in {}: {}", dir, e.toString());
      return null;
    }
  }

  /** The directory of the jar Sluice runs from, or null when it runs from a class directory. */
  private static Path jarDirectory() {
    try {
      CodeSource src = SqliteLibrary.class.getProtectionDomain().getCodeSource();
      if (src == null || src.getLocation() == null) {
        return null;
      }
      Path p = Path.of(src.getLocation().toURI());
      return p.toString().endsWith(".jar") && Files.isRegularFile(p) ? p.getParent() : null;
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return null;
    }
  }
}
