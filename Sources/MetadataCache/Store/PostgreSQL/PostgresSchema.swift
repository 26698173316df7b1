/// The PostgreSQL store's schema as numbered migrations, the same steps as SQLite's
/// (`SQLiteSchema`) in PostgreSQL's types. The listing indexes leave the tag list out of
/// their entries where it can be long: a B-tree entry must fit in a page, and one manifest
/// under 10,000 tags has a 60 kB list (a sync failed on it); the untagged index holds it,
/// always NULL there. Texts compare byte by byte (`COLLATE "C"`), as
/// SQLite's BINARY does, so listings come out in the same order on both.
enum PostgresSchema {
  static let migrations: [(version: Int, sql: String)] = [
    (
      1,
      """
      CREATE TABLE registry (
        id BIGSERIAL PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
        url TEXT NOT NULL,
        insecure BIGINT NOT NULL DEFAULT 0,
        flavor TEXT NOT NULL DEFAULT 'automatic',
        addedAt TEXT NOT NULL
      );
      CREATE TABLE repository (
        id BIGSERIAL PRIMARY KEY,
        registryId BIGINT NOT NULL REFERENCES registry(id) ON DELETE CASCADE,
        name TEXT COLLATE "C" NOT NULL,
        firstSeen TEXT NOT NULL,
        lastSeen TEXT NOT NULL,
        lastSynced TEXT,
        goneAt TEXT,
        syncError TEXT,
        UNIQUE (registryId, name)
      );
      CREATE TABLE manifest (
        id BIGSERIAL PRIMARY KEY,
        repositoryId BIGINT NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
        digest TEXT COLLATE "C" NOT NULL,
        mediaType TEXT NOT NULL,
        raw BYTEA,
        size BIGINT NOT NULL,
        imageSize BIGINT NOT NULL DEFAULT 0,
        configDigest TEXT,
        configCreated TEXT COLLATE "C",
        architecture TEXT,
        os TEXT,
        variant TEXT,
        artifactType TEXT,
        subjectDigest TEXT,
        registryCreated TEXT COLLATE "C",
        registryUpdated TEXT COLLATE "C",
        changeableAttributes TEXT,
        timestamp TEXT COLLATE "C" NOT NULL,
        timestampSource TEXT NOT NULL,
        tagList TEXT COLLATE "C",
        firstSeen TEXT COLLATE "C" NOT NULL,
        lastSeen TEXT NOT NULL,
        goneAt TEXT,
        UNIQUE (repositoryId, digest)
      );
      CREATE INDEX manifest_subject ON manifest(subjectDigest) WHERE subjectDigest IS NOT NULL;
      CREATE TABLE layer (
        manifestId BIGINT NOT NULL REFERENCES manifest(id) ON DELETE CASCADE,
        position BIGINT NOT NULL,
        digest TEXT COLLATE "C" NOT NULL,
        size BIGINT NOT NULL,
        mediaType TEXT NOT NULL,
        PRIMARY KEY (manifestId, position)
      );
      CREATE INDEX layer_digest ON layer(digest);
      CREATE TABLE child (
        manifestId BIGINT NOT NULL REFERENCES manifest(id) ON DELETE CASCADE,
        position BIGINT NOT NULL,
        digest TEXT COLLATE "C" NOT NULL,
        mediaType TEXT NOT NULL,
        size BIGINT NOT NULL,
        platform TEXT,
        PRIMARY KEY (manifestId, position)
      );
      CREATE INDEX child_digest ON child(digest);
      CREATE TABLE tag (
        id BIGSERIAL PRIMARY KEY,
        repositoryId BIGINT NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
        name TEXT COLLATE "C" NOT NULL,
        digest TEXT COLLATE "C" NOT NULL,
        sinceTime TEXT COLLATE "C" NOT NULL,
        untilTime TEXT,
        registryCreated TEXT COLLATE "C",
        registryUpdated TEXT COLLATE "C",
        signed BIGINT,
        changeableAttributes TEXT
      );
      CREATE UNIQUE INDEX tag_current ON tag(repositoryId, name) WHERE untilTime IS NULL;
      CREATE INDEX tag_digest ON tag(repositoryId, digest);
      CREATE TABLE protection (
        id BIGSERIAL PRIMARY KEY,
        registryId BIGINT REFERENCES registry(id) ON DELETE CASCADE,
        repository TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('digest', 'tag')),
        pattern TEXT NOT NULL,
        reason TEXT,
        createdAt TEXT NOT NULL
      );
      CREATE TABLE audit (
        id BIGSERIAL PRIMARY KEY,
        time TEXT NOT NULL,
        registry TEXT NOT NULL,
        repository TEXT NOT NULL,
        action TEXT NOT NULL,
        digest TEXT,
        tags TEXT,
        mediaType TEXT,
        manifest BYTEA,
        bytesFreed BIGINT,
        "user" TEXT NOT NULL,
        detail TEXT
      );
      """
    ),
    (
      2,
      """
      CREATE INDEX manifest_listing ON manifest(repositoryId, digest) INCLUDE (timestamp)
      WHERE goneAt IS NULL
      """
    ),
    (3, "ALTER TABLE audit ADD COLUMN state TEXT NOT NULL DEFAULT 'done'"),
    (
      4,
      """
      CREATE INDEX manifest_untagged ON manifest(repositoryId, digest) INCLUDE (timestamp, tagList)
      WHERE goneAt IS NULL AND tagList IS NULL
      """
    ),
  ]

  /// The newest version this regsh knows.
  static var latest: Int { migrations.last!.version }

  /// Brings the database to `latest` in one transaction holding an advisory lock, so two
  /// clients opening a fresh store at once migrate it once; refuses a newer schema.
  static func migrate(_ db: PostgresConnectionHandle) throws {
    try db.execute("BEGIN")
    do {
      try db.execute(
        "SELECT pg_advisory_xact_lock(\(PostgresBackend.lockSpace), \(PostgresBackend.migrationKey))"
      )
      try db.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, appliedAt TEXT NOT NULL)"
      )
      let current = try db.scalar(Int.self, "SELECT max(version) FROM schema_version") ?? 0
      if current > latest { throw CacheError.newerSchema(path: db.store) }
      for migration in migrations where migration.version > current {
        for statement in migration.sql.split(separator: ";")
        where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
          try db.execute(String(statement))
        }
        try db.execute(
          "INSERT INTO schema_version (version, appliedAt) VALUES (?, ?)",
          [migration.version, Timestamp.now()])
      }
      try db.execute("COMMIT")
    } catch {
      _ = try? db.execute("ROLLBACK")
      throw error
    }
  }
}
