//! The webhook inbox: endpoint tokens, accepted deliveries (persisted before
//! the receiver acknowledges them), rejected deliveries, and the processing
//! state machine (pending -> processed | failed, failed -> pending on Retry).

use reqlink_domain::{DeliveryDetail, DeliveryQuery, DeliveryRow, DeliveryStatus};
use rusqlite::{params, OptionalExtension};

use crate::{now_rfc3339, Store, StoreError};

const EXCERPT_BYTES: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub token: String,
    pub source: String,
    pub connection_id: Option<String>,
    pub posting_id: Option<String>,
    pub event_type: Option<String>,
    pub webhook_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub source: String,
    pub token: Option<String>,
    pub event_type: String,
    pub method: String,
    /// Same key, same delivery: a retry or replay is stored once.
    pub dedupe_key: String,
    pub interview_id: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryInsert {
    pub id: i64,
    pub duplicate: bool,
}

#[derive(Debug, Clone)]
pub struct StoredDelivery {
    pub id: i64,
    pub source: String,
    /// The endpoint token it arrived on (which ATS connection sent it).
    pub token: Option<String>,
    pub event_type: String,
    pub body: Vec<u8>,
    pub attempts: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointCounts {
    pub received: u32,
    pub rejected: u32,
    pub last_received_at: Option<String>,
}

pub struct NewRejected<'a> {
    pub source: &'a str,
    pub token: Option<&'a str>,
    pub event_type: Option<&'a str>,
    pub reason: &'a str,
    pub body: &'a [u8],
}

impl Store {
    pub fn create_endpoint(&self, endpoint: &Endpoint) -> Result<(), StoreError> {
        self.writer().execute(
            "INSERT INTO hook_endpoints (token, source, connection_id, posting_id, event_type, webhook_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                endpoint.token,
                endpoint.source,
                endpoint.connection_id,
                endpoint.posting_id,
                endpoint.event_type,
                endpoint.webhook_id,
                now_rfc3339()
            ],
        )?;
        Ok(())
    }

    pub fn set_endpoint_webhook(&self, token: &str, webhook_id: &str) -> Result<(), StoreError> {
        self.writer().execute(
            "UPDATE hook_endpoints SET webhook_id = ?2 WHERE token = ?1",
            params![token, webhook_id],
        )?;
        Ok(())
    }

    /// The live endpoint for `token`; revoked tokens are unknown.
    pub fn endpoint(&self, token: &str) -> Result<Option<Endpoint>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT token, source, connection_id, posting_id, event_type, webhook_id
                 FROM hook_endpoints WHERE token = ?1 AND revoked_at IS NULL",
                [token],
                endpoint_from_row,
            )
            .optional()?)
    }

    pub fn endpoints_for_posting(&self, posting_id: &str) -> Result<Vec<Endpoint>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT token, source, connection_id, posting_id, event_type, webhook_id
             FROM hook_endpoints WHERE posting_id = ?1 AND revoked_at IS NULL ORDER BY created_at",
        )?;
        let rows = stmt
            .query_map([posting_id], endpoint_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn revoke_endpoint_for_webhook(&self, webhook_id: &str) -> Result<(), StoreError> {
        self.writer().execute(
            "UPDATE hook_endpoints SET revoked_at = ?2 WHERE webhook_id = ?1 AND revoked_at IS NULL",
            params![webhook_id, now_rfc3339()],
        )?;
        Ok(())
    }

    /// Inserts a batch of deliveries in one transaction (the receiver's group
    /// commit). Duplicates are reported, not stored twice.
    pub fn insert_deliveries(
        &self,
        batch: &[NewDelivery],
    ) -> Result<Vec<DeliveryInsert>, StoreError> {
        self.in_transaction(|tx| {
            let mut out = Vec::with_capacity(batch.len());
            let mut insert = tx.prepare_cached(
                "INSERT INTO deliveries (received_at, source, token, event_type, method, dedupe_key,
                                         interview_id, body, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending')
                 ON CONFLICT (source, dedupe_key) DO NOTHING",
            )?;
            let mut existing = tx.prepare_cached(
                "SELECT id FROM deliveries WHERE source = ?1 AND dedupe_key = ?2",
            )?;
            let now = now_rfc3339();
            for d in batch {
                let inserted = insert.execute(params![
                    now,
                    d.source,
                    d.token,
                    d.event_type,
                    d.method,
                    d.dedupe_key,
                    d.interview_id,
                    d.body
                ])?;
                if inserted == 1 {
                    out.push(DeliveryInsert {
                        id: tx.last_insert_rowid(),
                        duplicate: false,
                    });
                } else {
                    let id = existing.query_row(params![d.source, d.dedupe_key], |r| r.get(0))?;
                    out.push(DeliveryInsert {
                        id,
                        duplicate: true,
                    });
                }
            }
            Ok(out)
        })
    }

    pub fn pending_deliveries(&self, limit: u32) -> Result<Vec<StoredDelivery>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, source, event_type, body, attempts, token FROM deliveries
             WHERE status = 'pending' ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok(StoredDelivery {
                    id: r.get(0)?,
                    source: r.get(1)?,
                    token: r.get(5)?,
                    event_type: r.get(2)?,
                    body: r.get(3)?,
                    attempts: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn finish_delivery(&self, id: i64, error: Option<&str>) -> Result<(), StoreError> {
        let status = if error.is_some() {
            "failed"
        } else {
            "processed"
        };
        self.writer().execute(
            "UPDATE deliveries SET status = ?2, error = ?3, attempts = attempts + 1, processed_at = ?4
             WHERE id = ?1",
            params![id, status, error, now_rfc3339()],
        )?;
        Ok(())
    }

    /// Puts a delivery back in the queue (Retry on a dead letter, or replay
    /// of a processed one).
    pub fn requeue_delivery(&self, id: i64) -> Result<(), StoreError> {
        let changed = self.writer().execute(
            "UPDATE deliveries SET status = 'pending', error = NULL WHERE id = ?1",
            [id],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("delivery d{id}")));
        }
        Ok(())
    }

    pub fn record_rejected(&self, r: &NewRejected<'_>) -> Result<(), StoreError> {
        let excerpt =
            String::from_utf8_lossy(&r.body[..r.body.len().min(EXCERPT_BYTES)]).into_owned();
        self.writer().execute(
            "INSERT INTO rejected_deliveries (received_at, source, token, event_type, reason, size, body_excerpt)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![now_rfc3339(), r.source, r.token, r.event_type, r.reason, r.body.len() as i64, excerpt],
        )?;
        Ok(())
    }

    /// Records a refused delivery whose body is not kept at all: an ATS
    /// delivery that failed verification is unauthenticated and may carry
    /// personal data, so only its size and the reason stay.
    pub fn record_rejected_without_body(
        &self,
        source: &str,
        token: Option<&str>,
        reason: &str,
        size: usize,
    ) -> Result<(), StoreError> {
        self.writer().execute(
            "INSERT INTO rejected_deliveries (received_at, source, token, event_type, reason, size, body_excerpt)
             VALUES (?1, ?2, ?3, NULL, ?4, ?5, '')",
            params![now_rfc3339(), source, token, reason, size as i64],
        )?;
        Ok(())
    }

    /// The live endpoint of an ATS connection for `source`, if any.
    pub fn connection_endpoint(
        &self,
        connection_id: &str,
        source: &str,
    ) -> Result<Option<Endpoint>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT token, source, connection_id, posting_id, event_type, webhook_id
                 FROM hook_endpoints
                 WHERE connection_id = ?1 AND source = ?2 AND revoked_at IS NULL
                 ORDER BY created_at DESC LIMIT 1",
                params![connection_id, source],
                endpoint_from_row,
            )
            .optional()?)
    }

    /// The connection a token belongs to, revoked or not: a delivery
    /// accepted before its endpoint was revoked is still processed.
    pub fn token_connection(&self, token: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT connection_id FROM hook_endpoints WHERE token = ?1",
                [token],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Accepted and rejected delivery counts of an endpoint and when it last
    /// accepted one (pings included).
    pub fn endpoint_counts(&self, token: &str) -> Result<EndpointCounts, StoreError> {
        Ok(self.reader().query_row(
            "SELECT (SELECT COUNT(*) FROM deliveries WHERE token = ?1),
                    (SELECT COUNT(*) FROM rejected_deliveries WHERE token = ?1),
                    (SELECT MAX(received_at) FROM deliveries WHERE token = ?1)",
            [token],
            |r| {
                Ok(EndpointCounts {
                    received: r.get(0)?,
                    rejected: r.get(1)?,
                    last_received_at: r.get(2)?,
                })
            },
        )?)
    }

    /// Last delivery time and the number of failed or rejected deliveries
    /// for one endpoint, for its row on the Webhooks screen.
    pub fn endpoint_stats(&self, token: &str) -> Result<(Option<String>, u32), StoreError> {
        Ok(self.reader().query_row(
            "SELECT MAX(at), SUM(bad) FROM (
                SELECT received_at AS at, status = 'failed' AS bad FROM deliveries WHERE token = ?1
                UNION ALL
                SELECT received_at, 1 FROM rejected_deliveries WHERE token = ?1
             )",
            [token],
            |r| Ok((r.get(0)?, r.get::<_, Option<u32>>(1)?.unwrap_or(0))),
        )?)
    }

    pub fn delivery_count(&self) -> Result<u32, StoreError> {
        Ok(self
            .reader()
            .query_row("SELECT COUNT(*) FROM deliveries", [], |r| r.get(0))?)
    }

    /// Accepted and rejected deliveries, newest first.
    pub fn list_deliveries(&self, query: &DeliveryQuery) -> Result<Vec<DeliveryRow>, StoreError> {
        let limit = if query.limit == 0 {
            200
        } else {
            query.limit.min(1000)
        };
        let status = query.status.map(|s| match s {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Processed => "processed",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Rejected => "rejected",
        });
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT * FROM (
                SELECT 'd' || id AS id, received_at, source, event_type, interview_id, status, error,
                       length(body) AS size
                FROM deliveries
                UNION ALL
                SELECT 'r' || id, received_at, source, event_type, NULL, 'rejected', reason, size
                FROM rejected_deliveries
             )
             WHERE ?1 IS NULL OR status = ?1
             ORDER BY received_at DESC, id DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![status, limit], delivery_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn delivery_detail(&self, id: &str) -> Result<DeliveryDetail, StoreError> {
        let not_found = || StoreError::NotFound(format!("delivery {id}"));
        let (kind, num) = id.split_at(id.len().min(1));
        let num: i64 = num.parse().map_err(|_| not_found())?;
        let conn = self.reader();
        let sql = match kind {
            "d" => {
                "SELECT 'd' || id, received_at, source, event_type, interview_id, status, error, length(body), body
                 FROM deliveries WHERE id = ?1"
            }
            "r" => {
                "SELECT 'r' || id, received_at, source, event_type, NULL, 'rejected', reason, size, body_excerpt
                 FROM rejected_deliveries WHERE id = ?1"
            }
            _ => return Err(not_found()),
        };
        conn.query_row(sql, [num], |r| {
            let payload = match r.get_ref(8)? {
                rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                    String::from_utf8_lossy(b).into_owned()
                }
                _ => String::new(),
            };
            Ok(DeliveryDetail {
                row: delivery_from_row(r)?,
                payload,
            })
        })
        .optional()?
        .ok_or_else(not_found)
    }

    /// The numeric id of an accepted delivery (`d<n>`), for replay.
    pub fn parse_delivery_id(id: &str) -> Option<i64> {
        id.strip_prefix('d')?.parse().ok()
    }
}

fn endpoint_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Endpoint> {
    Ok(Endpoint {
        token: r.get(0)?,
        source: r.get(1)?,
        connection_id: r.get(2)?,
        posting_id: r.get(3)?,
        event_type: r.get(4)?,
        webhook_id: r.get(5)?,
    })
}

fn delivery_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeliveryRow> {
    let status: String = r.get(5)?;
    Ok(DeliveryRow {
        id: r.get(0)?,
        received_at: r.get(1)?,
        source: r.get(2)?,
        event_type: r.get(3)?,
        interview_id: r.get(4)?,
        status: match status.as_str() {
            "pending" => DeliveryStatus::Pending,
            "processed" => DeliveryStatus::Processed,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Rejected,
        },
        error: r.get(6)?,
        size: r.get(7)?,
    })
}
