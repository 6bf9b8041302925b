package dev.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.GatewayHarness;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The running gateway's SQLite files (keys, hashes, usage) are readable by their owner only. */
class DatabaseFilesTest {
  @Test
  void theDatabaseAndItsWalFilesAreOwnerOnly() throws Exception {
    try (GatewayHarness h = new GatewayHarness()) {
      HttpResponse<String> r = h.post("/v1/chat/completions",
          "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(r.statusCode()).isEqualTo(200);
      Path db = Path.of(h.storageUrl().substring("jdbc:sqlite:".length()));
      List<Path> files = List.of(db, db.resolveSibling("sluice.db-wal"), db.resolveSibling("sluice.db-shm"));
      for (Path f : files) {
        assertThat(f).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
            .isEqualTo("rw-------");
      }
    }
  }
}
