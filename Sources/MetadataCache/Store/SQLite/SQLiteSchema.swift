import GRDB

/// The SQLite cache's schema as numbered migrations, registered in one place. A cache written by
/// an older regsh is migrated forward when opened; it is never thrown away.
enum SQLiteSchema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: registries, repositories, manifests, tags, protection, audit") {
      db in
      try db.execute(
        sql: """
          CREATE TABLE registry (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,
            insecure INTEGER NOT NULL DEFAULT 0,
            flavor TEXT NOT NULL DEFAULT 'automatic',
            addedAt TEXT NOT NULL
          );
          CREATE TABLE repository (
            id INTEGER PRIMARY KEY,
            registryId INTEGER NOT NULL REFERENCES registry(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            firstSeen TEXT NOT NULL,
            lastSeen TEXT NOT NULL,
            lastSynced TEXT,
            goneAt TEXT,
            syncError TEXT,
            UNIQUE (registryId, name)
          );
          -- One row per manifest digest per repository. tagList is the current tags
          -- (tab-separated, sorted) kept beside the tag history so listing a million
          -- manifests is one table scan.
          CREATE TABLE manifest (
            id INTEGER PRIMARY KEY,
            repositoryId INTEGER NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
            digest TEXT NOT NULL,
            mediaType TEXT NOT NULL,
            raw BLOB,
            size INTEGER NOT NULL,
            imageSize INTEGER NOT NULL DEFAULT 0,
            configDigest TEXT,
            configCreated TEXT,
            architecture TEXT,
            os TEXT,
            variant TEXT,
            artifactType TEXT,
            subjectDigest TEXT,
            registryCreated TEXT,
            registryUpdated TEXT,
            changeableAttributes TEXT,
            timestamp TEXT NOT NULL,
            timestampSource TEXT NOT NULL,
            tagList TEXT,
            firstSeen TEXT NOT NULL,
            lastSeen TEXT NOT NULL,
            goneAt TEXT,
            UNIQUE (repositoryId, digest)
          );
          CREATE INDEX manifest_subject ON manifest(subjectDigest) WHERE subjectDigest IS NOT NULL;
          -- Config (position -1) and layers of an image manifest.
          CREATE TABLE layer (
            manifestId INTEGER NOT NULL REFERENCES manifest(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            mediaType TEXT NOT NULL,
            PRIMARY KEY (manifestId, position)
          ) WITHOUT ROWID;
          CREATE INDEX layer_digest ON layer(digest);
          -- The manifests an index lists.
          CREATE TABLE child (
            manifestId INTEGER NOT NULL REFERENCES manifest(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            digest TEXT NOT NULL,
            mediaType TEXT NOT NULL,
            size INTEGER NOT NULL,
            platform TEXT,
            PRIMARY KEY (manifestId, position)
          ) WITHOUT ROWID;
          CREATE INDEX child_digest ON child(digest);
          -- Which digest each tag pointed at, from when to when (untilTime NULL: now).
          CREATE TABLE tag (
            id INTEGER PRIMARY KEY,
            repositoryId INTEGER NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            digest TEXT NOT NULL,
            sinceTime TEXT NOT NULL,
            untilTime TEXT,
            registryCreated TEXT,
            registryUpdated TEXT,
            signed INTEGER,
            changeableAttributes TEXT
          );
          CREATE UNIQUE INDEX tag_current ON tag(repositoryId, name) WHERE untilTime IS NULL;
          CREATE INDEX tag_digest ON tag(repositoryId, digest);
          -- Digests and tag patterns that no action may delete.
          CREATE TABLE protection (
            id INTEGER PRIMARY KEY,
            registryId INTEGER REFERENCES registry(id) ON DELETE CASCADE,
            repository TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('digest', 'tag')),
            pattern TEXT NOT NULL,
            reason TEXT,
            createdAt TEXT NOT NULL
          );
          -- Every change regsh makes, with the manifest's bytes so it can be restored.
          CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            registry TEXT NOT NULL,
            repository TEXT NOT NULL,
            action TEXT NOT NULL,
            digest TEXT,
            tags TEXT,
            mediaType TEXT,
            manifest BLOB,
            bytesFreed INTEGER,
            user TEXT NOT NULL,
            detail TEXT
          );
          """)
    }
    migrator.registerMigration("v2: covering index for manifest listings") { db in
      // `manifests` reads only this index, in repository and digest order: no table
      // lookups and no sort, so a million manifests list in well under a second.
      try db.execute(
        sql: """
          CREATE INDEX manifest_listing ON manifest(repositoryId, digest, timestamp, tagList)
          WHERE goneAt IS NULL
          """)
    }
    migrator.registerMigration("v3: audit entries written before the change they record") { db in
      // A delete is logged as 'pending' before the request goes out and marked 'done' (or
      // 'failed') when the registry answers, so a process killed in between still leaves
      // the manifest's bytes where restore finds them.
      try db.execute(sql: "ALTER TABLE audit ADD COLUMN state TEXT NOT NULL DEFAULT 'done'")
    }
    migrator.registerMigration("v4: covering index for untagged manifests (issue 15)") { db in
      // `[?tags==null]`, answered by the cache (issue 15's pushdown), reads only the
      // untagged manifests' entries, in repository and digest order: a third of the
      // listing index for a typical registry, and no table lookups. tagList is in it,
      // always NULL, so the index covers the listing's columns.
      try db.execute(
        sql: """
          CREATE INDEX manifest_untagged ON manifest(repositoryId, digest, timestamp, tagList)
          WHERE goneAt IS NULL AND tagList IS NULL
          """)
    }
    return migrator
  }
}
