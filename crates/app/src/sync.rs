//! Greenhouse sync: users, jobs with their stages, candidates and
//! applications, each page stored in one transaction. Incremental runs ask
//! only for records updated after the newest `updated_at` already stored
//! (the server's clock, so a skewed desktop clock cannot lose changes).

use std::sync::Arc;
use std::time::Instant;

use reqlink_domain::{ApiError, SyncSummary};
use reqlink_greenhouse::{
    GhApplication, GhCandidate, GhJob, GhStage, GhUser, GreenhouseClient, Page, MAX_PER_PAGE,
};
use reqlink_store::Store;
use serde::de::DeserializeOwned;

/// Progress callback: (phase, records stored in this phase, expected total).
pub type Progress<'a> = &'a (dyn Fn(&str, u32, Option<u32>) + Send + Sync);

pub struct SyncRun<'a> {
    pub store: Arc<Store>,
    pub client: &'a GreenhouseClient,
    pub connection_id: &'a str,
    pub progress: Progress<'a>,
}

impl SyncRun<'_> {
    pub async fn run(&self) -> Result<SyncSummary, ApiError> {
        let started = Instant::now();
        let mut requests = 0u32;

        requests += self
            .list(
                "users",
                "/users",
                "updated_after",
                |store, conn, page: Vec<GhUser>| {
                    let records: Vec<_> = page.into_iter().map(GhUser::into_record).collect();
                    store.upsert_users(conn, &records)?;
                    Ok(records.len())
                },
                |_| None,
            )
            .await?
            .0;

        let mut changed_jobs = Vec::new();
        requests += self
            .list(
                "jobs",
                "/jobs",
                "updated_after",
                |store, conn, page: Vec<GhJob>| {
                    let records: Vec<_> = page.into_iter().map(GhJob::into_record).collect();
                    store.upsert_jobs(conn, &records)?;
                    Ok(records.len())
                },
                |job: &GhJob| Some(job.id.to_string()),
            )
            .await
            .map(|(n, ids)| {
                changed_jobs = ids;
                n
            })?;

        // Stages have no updated-since filter, so only jobs that changed
        // (all of them on the first run) are asked for theirs.
        let total = changed_jobs.len() as u32;
        for (done, job_id) in changed_jobs.iter().enumerate() {
            let url = self.client.url(&format!("/jobs/{job_id}/stages"), &[]);
            let stages: Vec<GhStage> = self.client.get_one(&url).await?;
            requests += 1;
            let records: Vec<_> = stages.into_iter().map(|s| s.into_record(job_id)).collect();
            let store = self.store.clone();
            let conn = self.connection_id.to_string();
            let job = job_id.clone();
            blocking(move || Ok(store.replace_job_stages(&conn, &job, &records)?)).await?;
            (self.progress)("stages", done as u32 + 1, Some(total));
        }

        requests += self
            .list(
                "candidates",
                "/candidates",
                "updated_after",
                |store, conn, page: Vec<GhCandidate>| {
                    let records: Vec<_> = page.into_iter().map(GhCandidate::into_record).collect();
                    store.upsert_candidates(conn, &records)?;
                    Ok(records.len())
                },
                |_| None,
            )
            .await?
            .0;

        requests += self
            .list(
                "applications",
                "/applications",
                "last_activity_after",
                |store, conn, page: Vec<GhApplication>| {
                    let records: Vec<_> =
                        page.into_iter().map(GhApplication::into_record).collect();
                    store.upsert_applications(conn, &records)?;
                    Ok(records.len())
                },
                |_| None,
            )
            .await?
            .0;

        let finished_at = reqlink_store::now_rfc3339();
        let store = self.store.clone();
        let conn = self.connection_id.to_string();
        let at = finished_at.clone();
        let counts = blocking(move || {
            store.mark_synced(&conn, &at)?;
            Ok(store
                .connection(&conn)?
                .map(|c| c.counts)
                .unwrap_or_default())
        })
        .await?;
        Ok(SyncSummary {
            connection_id: self.connection_id.to_string(),
            counts,
            requests,
            elapsed_ms: started.elapsed().as_millis().min(u32::MAX as u128) as u32,
            finished_at,
        })
    }
}

impl SyncRun<'_> {
    /// Pages through `path`, storing each page with `write`, and advances
    /// the resource's cursor once every page is stored. Returns the request
    /// count and the ids `key` picked (the changed jobs).
    async fn list<T, W, K>(
        &self,
        resource: &'static str,
        path: &str,
        since_param: &str,
        write: W,
        key: K,
    ) -> Result<(u32, Vec<String>), ApiError>
    where
        T: DeserializeOwned + Timestamped + Send + 'static,
        W: Fn(&Store, &str, Vec<T>) -> Result<usize, reqlink_store::StoreError>
            + Send
            + Sync
            + Clone
            + 'static,
        K: Fn(&T) -> Option<String>,
    {
        let store = self.store.clone();
        let conn = self.connection_id.to_string();
        let cursor = {
            let store = store.clone();
            let conn = conn.clone();
            blocking(move || Ok(store.sync_cursor(&conn, resource)?)).await?
        };
        let mut query = vec![("per_page", MAX_PER_PAGE.to_string())];
        if let Some(since) = &cursor {
            query.push((since_param, since.clone()));
        }
        let mut next = Some(self.client.url(path, &query));
        let mut requests = 0u32;
        let mut done = 0u32;
        let mut total = None;
        let mut newest = cursor.clone();
        let mut keys = Vec::new();
        while let Some(url) = next.take() {
            let page: Page<T> = self.client.get_page(&url).await?;
            requests += 1;
            if let Some(last) = page.last_page {
                total = Some(last.saturating_mul(MAX_PER_PAGE));
            }
            for item in &page.items {
                if let Some(ts) = item.timestamp() {
                    if newest.as_deref().is_none_or(|n| ts > n) {
                        newest = Some(ts.to_string());
                    }
                }
                if let Some(id) = key(item) {
                    keys.push(id);
                }
            }
            let n = {
                let store = store.clone();
                let conn = conn.clone();
                let write = write.clone();
                let items = page.items;
                blocking(move || Ok(write(&store, &conn, items)?)).await?
            };
            done += n as u32;
            (self.progress)(resource, done, total.map(|t: u32| t.max(done)));
            next = page.next;
        }
        if let Some(newest) = newest.filter(|n| Some(n) != cursor.as_ref()) {
            let store = store.clone();
            let conn = conn.clone();
            blocking(move || Ok(store.set_sync_cursor(&conn, resource, &newest)?)).await?;
        }
        Ok((requests, keys))
    }
}

/// The timestamp an incremental sync filters on for each resource.
pub trait Timestamped {
    fn timestamp(&self) -> Option<&str>;
}

impl Timestamped for GhUser {
    fn timestamp(&self) -> Option<&str> {
        None
    }
}
impl Timestamped for GhJob {
    fn timestamp(&self) -> Option<&str> {
        self.updated_at.as_deref()
    }
}
impl Timestamped for GhCandidate {
    fn timestamp(&self) -> Option<&str> {
        self.updated_at.as_deref()
    }
}
impl Timestamped for GhApplication {
    fn timestamp(&self) -> Option<&str> {
        self.last_activity_at.as_deref()
    }
}

/// Runs blocking SQLite work off the async workers.
pub async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("background task failed: {e}")))?
}
