//! The local SQLite store. One file per data directory, opened in WAL mode
//! with foreign keys on; migrations are compiled in and applied one
//! transaction each. Background writers (sync, webhooks) and UI reads use
//! separate connections so a long sync never blocks a screen.

mod activity;
mod ats;
mod ats_changes;
mod error;
mod exports;
mod inbox;
mod invites;
mod links;
mod migrate;
mod outbox;
mod reports;
mod sync_pages;
mod time_fmt;
mod workspace;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

pub use activity::NewActivity;
pub use error::StoreError;
pub use exports::{ExportActor, ExportSource, ExportedRow, UnconfirmedExport};
pub use inbox::{
    DeliveryInsert, Endpoint, EndpointCounts, NewDelivery, NewRejected, StoredDelivery,
};
pub use invites::DueInvite;
pub use links::{LinkedElsewhere, NewLink, StoredLink, TestPick};
pub use migrate::{migrations, SCHEMA_VERSION};
pub use outbox::{DueWrite, WritebackPlan};
pub use reports::BROAD_SEARCH;
pub use sync_pages::{newer_marker, Family, ResumePoint, SyncPage};
pub use time_fmt::{rfc3339_to_unix, unix_to_rfc3339};
pub use workspace::{NewConnection, SANDBOX_WORKSPACE_ID};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "reqlink.sqlite3";

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    _checkpointer: Checkpointer,
}

impl Store {
    /// Opens (creating if needed) `reqlink.sqlite3` in `data_dir` and brings
    /// its schema up to date. Refuses a database written by a newer app.
    pub fn open_in_dir(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        Self::open(&data_dir.join(DB_FILE))
    }

    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut writer = open_connection(path)?;
        migrate::apply(&mut writer)?;
        let reader = open_connection(path)?;
        let checkpointer = Checkpointer::start(open_connection(path)?);
        if checkpointer.thread.is_none() {
            // Without the thread nothing would ever shrink the WAL, so
            // the writer goes back to checkpointing inside its commits.
            tracing::warn!("no checkpoint thread; checkpointing inline");
            writer.pragma_update(None, "wal_autocheckpoint", 1_000)?;
        }
        Ok(Store {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            _checkpointer: checkpointer,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite itself consistent
        // (the transaction is rolled back on drop), so the poison is moot.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in one write transaction, committed only if `f` succeeds.
    fn in_transaction<R>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self.writer();
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        self.reader.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // NORMAL is durable across application crashes in WAL mode; only a power
    // loss can drop the last transactions.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // A sync writes 500 records per transaction into tables whose indexes
    // (applications by job, candidates by update time) are hit all over;
    // with SQLite's 2 MB default cache those pages are read back and
    // spilled again and again.
    conn.pragma_update(None, "cache_size", -32_768)?;
    // Checkpoints run on their own thread ([`Checkpointer`]): inside a
    // commit, the default one every 1,000 WAL pages (two fsyncs) ran after
    // almost every page of a sync, and a larger one stalled the receiver's
    // acknowledgements (p99 50 ms at 200 deliveries/s with 10,000 pages).
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    // The WAL file is cut back to this size after SQLite starts it over.
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    Ok(conn)
}

/// How often the checkpointer copies the WAL into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(2);

/// Copies committed WAL pages into the database file off the writers'
/// path. A PASSIVE checkpoint blocks no writer and no reader; it copies
/// what it can, and SQLite starts the WAL over once it has caught up.
struct Checkpointer {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    fn start(conn: Connection) -> Checkpointer {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!("WAL checkpoint failed: {e}");
                    }
                }
            })
            .ok();
        Checkpointer {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing the channel ends the thread's wait at once.
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Current time as RFC 3339 UTC with milliseconds, the format every
/// timestamp in the store uses (it sorts lexicographically).
pub fn now_rfc3339() -> String {
    rfc3339_in(Duration::ZERO)
}

/// The time `delay` from now, in the same format as [`now_rfc3339`].
pub fn rfc3339_in(delay: Duration) -> String {
    store_format(time::OffsetDateTime::now_utc() + delay)
}

/// Unix seconds (the platform's timestamps) in the store's format, so they
/// sort among the desktop's own timestamps.
pub(crate) fn unix_in_store_format(secs: f64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos((secs * 1e9) as i128)
        .map(store_format)
        .unwrap_or_else(|_| now_rfc3339())
}

fn store_format(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .expect("formatting a UTC timestamp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_pages_reach_the_database_file_without_an_inline_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in_dir(dir.path()).unwrap();
        let before = std::fs::metadata(store.path()).unwrap().len();
        store
            .in_transaction(|tx| {
                tx.execute_batch("CREATE TABLE filler (b BLOB)")?;
                tx.execute("INSERT INTO filler VALUES (zeroblob(4000000))", [])?;
                Ok(())
            })
            .unwrap();
        // The commit leaves the pages in the WAL (autocheckpoint is off);
        // only the checkpoint thread can copy them into the file.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut after = before;
        while std::time::Instant::now() < deadline {
            after = std::fs::metadata(store.path()).unwrap().len();
            if after >= before + 4_000_000 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            after >= before + 4_000_000,
            "database file grew from {before} to {after} bytes only"
        );
    }
}
