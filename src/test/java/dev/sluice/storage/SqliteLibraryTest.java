package dev.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class SqliteLibraryTest {
  @TempDir
  Path dir;

  private static byte[] jarCopy() throws Exception {
    String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      assertNotNull(in, "the driver's jar has a library for this platform: " + resource);
      return in.readAllBytes();
    }
  }

  @Test
  void theLibraryIsCopiedOnceAndThenReused() throws Exception {
    Path lib = SqliteLibrary.copyOnce(dir.resolve("sqlite-x"));
    assertNotNull(lib);
    assertArrayEquals(jarCopy(), Files.readAllBytes(lib));
    try (var files = Files.list(lib.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
    FileTime written = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(lib, written);
    assertEquals(lib, SqliteLibrary.copyOnce(dir.resolve("sqlite-x")));
    assertEquals(written, Files.getLastModifiedTime(lib), "the second start reuses the copy");
  }
}
