//! Embedded, forward-only migrations tracked by SQLite's `user_version`.

use rusqlite::Connection;

use crate::StoreError;

/// Migrations in order; migration `i` moves the schema to version `i + 1`.
/// Append only: an applied migration is never edited.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_foundation",
        include_str!("migrations/0001_foundation.sql"),
    ),
    (
        "0002_receiver_reports",
        include_str!("migrations/0002_receiver_reports.sql"),
    ),
    (
        "0003_settings",
        include_str!("migrations/0003_settings.sql"),
    ),
    (
        "0004_connections",
        include_str!("migrations/0004_connections.sql"),
    ),
    ("0005_links", include_str!("migrations/0005_links.sql")),
    (
        "0006_unconfirmed_exports",
        include_str!("migrations/0006_unconfirmed_exports.sql"),
    ),
    (
        "0007_pdf_retries",
        include_str!("migrations/0007_pdf_retries.sql"),
    ),
    (
        "0008_reconcile_checks",
        include_str!("migrations/0008_reconcile_checks.sql"),
    ),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub fn migrations() -> &'static [(&'static str, &'static str)] {
    MIGRATIONS
}

pub(crate) fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    apply_list(conn, MIGRATIONS)
}

pub(crate) fn apply_list(
    conn: &mut Connection,
    list: &[(&'static str, &'static str)],
) -> Result<(), StoreError> {
    let found: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let supported = list.len() as u32;
    if found > supported {
        return Err(StoreError::TooNew { found, supported });
    }
    for (index, (name, sql)) in list.iter().enumerate().skip(found as usize) {
        let migration = |source| StoreError::Migration { name, source };
        // The version bump shares the migration's transaction, so a crash
        // leaves either the old schema and version or both new.
        let tx = conn.transaction().map_err(migration)?;
        tx.execute_batch(sql).map_err(migration)?;
        tx.pragma_update(None, "user_version", index as u32 + 1)
            .map_err(migration)?;
        tx.commit().map_err(migration)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_migration_rolls_back_and_keeps_the_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        let list: &[(&str, &str)] = &[
            ("one", "CREATE TABLE a (x INTEGER);"),
            (
                "two",
                "CREATE TABLE b (y INTEGER); INSERT INTO nope VALUES (1);",
            ),
        ];
        let err = apply_list(&mut conn, list).unwrap_err();
        assert!(matches!(err, StoreError::Migration { name: "two", .. }));
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1, "the first migration stays applied");
        let b_exists: u32 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(b_exists, 0, "the failed migration's DDL is rolled back");
    }

    #[test]
    fn embedded_migrations_apply_on_an_empty_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }
}
