package dev.sluice.e2e;

import dev.sluice.storage.Database;
import dev.sluice.storage.TestDatabases;
import java.nio.file.Path;

/** Key changes carried by PostgreSQL's NOTIFY / LISTEN (no Redis configured). */
class KeyChangesOverPostgresTest extends KeyChangesAcrossInstances {
  private TestDatabases.TestDb pg;

  @Override
  String storageYaml(Path dir) {
    pg = TestDatabases.postgres();
    return """
        storage:
          url: "%s"
          username: "%s"
        """.formatted(pg.url(), pg.username());
  }

  @Override
  Database openDatabase(Path dir) {
    return pg.db();
  }

  @Override
  void cleanUp() {
    if (pg != null) {
      pg.cleanup().run();
    }
  }
}
