//! The Activity log: what background work did, shown on the Activity screen.

use reqlink_domain::{ActivityEntry, ActivityLevel, ActivityQuery};
use rusqlite::params;

use crate::workspace::{enum_str, parse_enum};
use crate::{now_rfc3339, Store, StoreError};

pub struct NewActivity<'a> {
    pub level: ActivityLevel,
    pub kind: &'a str,
    pub message: &'a str,
    pub connection_id: Option<&'a str>,
}

const DEFAULT_LIMIT: u32 = 200;

impl Store {
    pub fn record_activity(&self, entry: &NewActivity<'_>) -> Result<(), StoreError> {
        self.writer().execute(
            "INSERT INTO activity (at, level, kind, message, connection_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                now_rfc3339(),
                enum_str(&entry.level),
                entry.kind,
                entry.message,
                entry.connection_id
            ],
        )?;
        Ok(())
    }

    pub fn list_activity(&self, query: &ActivityQuery) -> Result<Vec<ActivityEntry>, StoreError> {
        let limit = if query.limit == 0 {
            DEFAULT_LIMIT
        } else {
            query.limit.min(1000)
        };
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT id, at, level, kind, message FROM activity ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, level, kind, message) = row?;
            out.push(ActivityEntry {
                id: id.to_string(),
                at,
                level: parse_enum(&level)?,
                kind,
                message,
            });
        }
        Ok(out)
    }
}
