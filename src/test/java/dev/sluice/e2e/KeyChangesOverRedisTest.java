package dev.sluice.e2e;

import dev.sluice.storage.Database;
import dev.sluice.storage.TestRedis;
import java.nio.file.Path;

/** Key changes carried by Redis pub/sub, the instances sharing one SQLite file (no PostgreSQL). */
class KeyChangesOverRedisTest extends KeyChangesAcrossInstances {
  @Override
  String storageYaml(Path dir) {
    TestRedis.require();
    return """
        storage:
          url: "jdbc:sqlite:%s"
        redis:
          url: "%s"
        """.formatted(dir.resolve("shared.db"), TestRedis.URL);
  }

  @Override
  Database openDatabase(Path dir) {
    return Database.open("jdbc:sqlite:" + dir.resolve("shared.db"), "", "", 2);
  }
}
