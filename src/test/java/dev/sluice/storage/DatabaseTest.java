package dev.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatabaseTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void migratesTheSchemaAndReopeningIsANoOp(Database.Dialect dialect) {
    try (TestDatabases.TestDb t = TestDatabases.open(dialect, dir)) {
      assertThat(t.db().dialect()).isEqualTo(dialect);
      assertThat(tables(t.db())).contains("api_keys", "usage_records");
      try (Database again = Database.open(t.url(), t.username(), "", 2)) {
        assertThat(tables(again)).contains("api_keys", "usage_records");
      }
    }
  }

  @Test
  void firstRunCreatesTheSqliteFileAndItsDirectory() {
    Path file = dir.resolve("nested/dir/sluice.db");
    Config config = Config.fromYaml("storage:\n  url: \"jdbc:sqlite:" + file + "\"\n", Map.of());
    try (Database db = Database.open(config)) {
      assertThat(db.dialect()).isEqualTo(Database.Dialect.SQLITE);
    }
    assertThat(Files.isRegularFile(file)).isTrue();
  }

  @Test
  void anExistingWorldReadableDatabaseIsNarrowedToItsOwner() throws Exception {
    Path file = dir.resolve("sluice.db");
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    Config config = Config.fromYaml("storage:\n  url: \"jdbc:sqlite:" + file + "\"\n", Map.of());
    try (Database db = Database.open(config)) {
      assertThat(db.dialect()).isEqualTo(Database.Dialect.SQLITE);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @ParameterizedTest
  @EnumSource(Database.Dialect.class)
  void aCurrentSchemaIsRecognisedSoStartUpSkipsFlyway(Database.Dialect dialect) {
    try (TestDatabases.TestDb t = TestDatabases.open(dialect, dir)) {
      assertThat(Database.isCurrent(t.db().dataSource())).isTrue();
      Jdbc.run(t.db(), "forget the schema version", c -> {
        c.createStatement().executeUpdate("UPDATE flyway_schema_history SET version = '0' WHERE version = '"
            + Database.SCHEMA_VERSION + "'");
        return null;
      });
      assertThat(Database.isCurrent(t.db().dataSource())).isFalse();
    }
  }

  @Test
  void schemaVersionIsTheNewestMigration() throws Exception {
    try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
      int newest = files.map(f -> f.getFileName().toString())
          .filter(n -> n.matches("V\\d+__.*\\.sql"))
          .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
          .max().orElseThrow();
      assertThat(Database.SCHEMA_VERSION).isEqualTo(Integer.toString(newest));
    }
  }

  @Test
  void defaultUrlIsAnSqliteFile() {
    assertThat(Config.defaults(Map.of()).string("storage.url")).isEqualTo("jdbc:sqlite:sluice.db");
  }

  @Test
  void rejectsOtherUrlsNamingTheKey() {
    assertThatThrownBy(() -> Database.open("jdbc:mysql://x/y?password=hunter2", "", "", 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("storage.url")
        .hasMessageNotContaining("hunter2");
  }

  private static List<String> tables(Database db) {
    return Jdbc.run(db, "list tables", c -> {
      List<String> out = new ArrayList<>();
      try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          out.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
        }
      }
      return out;
    });
  }
}
