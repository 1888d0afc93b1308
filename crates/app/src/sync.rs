//! The sync engine, the same for every ATS: it walks the connector's sync
//! plan page by page, storing each page together with the token of the
//! page after it (so a crash or quit resumes at the last completed page),
//! then fetches the stages of every job that changed. Incremental runs pass
//! the newest change marker of the previous run (the server's clock, so a
//! skewed desktop clock cannot lose changes).

use std::sync::Arc;
use std::time::Instant;

use reqlink_ats::{AtsConnector, PageOf, PageRequest, RecordSet, Resource};
use reqlink_domain::{ApiError, ErrorCode, StageRecord, SyncSummary};
use reqlink_store::{Family, ResumePoint, Store, SyncPage};
use tokio::sync::watch;

/// Progress callback: (phase, records stored in this phase, expected total).
pub type Progress<'a> = &'a (dyn Fn(&str, u32, Option<u32>) + Send + Sync);

pub struct SyncRun<'a> {
    pub store: Arc<Store>,
    pub connector: &'a dyn AtsConnector,
    pub connection_id: &'a str,
    pub progress: Progress<'a>,
    /// Becomes `true` when the user cancels; checked between pages and
    /// raced against the request in flight.
    pub cancel: watch::Receiver<bool>,
    /// List everything (ignoring cursors) and remove local records the ATS
    /// no longer returns.
    pub full: bool,
}

impl SyncRun<'_> {
    pub async fn run(&self) -> Result<SyncSummary, ApiError> {
        let started = Instant::now();
        let mut requests = 0u32;
        for &resource in self.connector.sync_plan() {
            requests += self.list(resource).await?;
        }
        requests += self.stages().await?;

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

    /// Pages through one resource; returns the number of requests made.
    ///
    /// The next page is fetched while the current one is written: the
    /// write is SQLite on a blocking thread, the fetch is network and JSON
    /// parsing, so on two cores they overlap. Both finish before the loop
    /// moves on and pages are written in order, one transaction each with
    /// the resume point of the page after them, so the database says what
    /// it said without the overlap, whenever the run stops.
    async fn list(&self, resource: Resource) -> Result<u32, ApiError> {
        let name = resource.as_str();
        let (store, conn) = (self.store.clone(), self.connection_id.to_string());
        let full = self.full;
        let mut at = blocking(move || {
            let fresh = |since| ResumePoint {
                since,
                next: None,
                newest: None,
                done: 0,
            };
            Ok(match (full, store.resume_point(&conn, name)?) {
                (true, _) => fresh(None),
                (false, Some(point)) => point,
                (false, None) => fresh(store.sync_cursor(&conn, name)?),
            })
        })
        .await?;
        let mut seen = self.full.then(Seen::default);
        let mut requests = 0;
        let mut page = self.fetch(resource, &at).await?;
        loop {
            requests += 1;
            if let Some(newest) = page.newest.take() {
                if at
                    .newest
                    .as_deref()
                    .is_none_or(|n| reqlink_store::newer_marker(&newest, n))
                {
                    at.newest = Some(newest);
                }
            }
            at.done += page.records.len() as u32;
            at.next = page.next.take();
            if let Some(seen) = &mut seen {
                seen.add(&page.records);
            }
            let total = page.total.map(|t| t.max(at.done));
            let write = self.write_page(name, page.records, at.clone(), total);
            if at.next.is_none() {
                write.await?;
                if let Some(seen) = seen {
                    self.sweep(resource, seen).await?;
                }
                return Ok(requests);
            }
            let (written, next) = tokio::join!(write, self.fetch(resource, &at));
            written?;
            page = next?;
        }
    }

    /// The page `at` continues with.
    async fn fetch(&self, resource: Resource, at: &ResumePoint) -> Result<PageOf, ApiError> {
        let request = PageRequest {
            since: at.since.clone(),
            next: at.next.clone(),
        };
        self.cancellable(self.connector.list(resource, request))
            .await?
            .map_err(ApiError::from)
    }

    /// Stores one page with its resume point, then reports progress.
    async fn write_page(
        &self,
        name: &'static str,
        records: RecordSet,
        at: ResumePoint,
        total: Option<u32>,
    ) -> Result<(), ApiError> {
        let store = self.store.clone();
        let conn = self.connection_id.to_string();
        let done = at.done;
        blocking(move || {
            let page = SyncPage {
                users: &records.users,
                jobs: &records.jobs,
                candidates: &records.candidates,
                applications: &records.applications,
            };
            Ok(store.apply_sync_page(&conn, name, page, &at)?)
        })
        .await?;
        (self.progress)(name, done, total);
        Ok(())
    }

    /// Removes what a complete full listing of `resource` did not return.
    async fn sweep(&self, resource: Resource, seen: Seen) -> Result<(), ApiError> {
        let own_applications = !self.connector.sync_plan().contains(&Resource::Applications);
        let Seen {
            users,
            jobs,
            candidates,
            applications,
        } = seen;
        let families = match resource {
            Resource::Users => vec![(Family::Users, users)],
            Resource::Jobs => vec![(Family::Jobs, jobs)],
            // A listing that carries applications too (Lever's
            // opportunities) is their only source.
            Resource::Candidates if own_applications => vec![
                (Family::Candidates, candidates),
                (Family::Applications, applications),
            ],
            Resource::Candidates => vec![(Family::Candidates, candidates)],
            Resource::Applications => vec![(Family::Applications, applications)],
        };
        let store = self.store.clone();
        let conn = self.connection_id.to_string();
        let removed = blocking(move || {
            let mut removed = 0;
            for (family, ids) in families {
                removed += store.sweep_unseen(&conn, family, &ids)?;
            }
            Ok(removed)
        })
        .await?;
        if removed > 0 {
            tracing::info!(
                resource = resource.as_str(),
                removed,
                "removed records the ATS no longer has"
            );
        }
        Ok(())
    }

    /// Fetches the stages of every job queued by a job page, each job's
    /// fetch overlapping the write of the job before it.
    async fn stages(&self) -> Result<u32, ApiError> {
        let (store, conn) = (self.store.clone(), self.connection_id.to_string());
        let queue = blocking(move || Ok(store.stage_refresh_queue(&conn)?)).await?;
        let total = queue.len() as u32;
        let mut pending = None;
        for (done, job_id) in queue.into_iter().enumerate() {
            let fetch = self.cancellable(self.connector.stages(&job_id));
            let stages = match pending.take() {
                Some(write) => {
                    let (written, fetched) = tokio::join!(write, fetch);
                    written?;
                    fetched
                }
                None => fetch.await,
            }?
            .map_err(ApiError::from)?;
            pending = Some(self.write_stages(job_id, stages, done as u32 + 1, total));
        }
        if let Some(write) = pending {
            write.await?;
        }
        Ok(total)
    }

    async fn write_stages(
        &self,
        job_id: String,
        stages: Vec<StageRecord>,
        done: u32,
        total: u32,
    ) -> Result<(), ApiError> {
        let store = self.store.clone();
        let conn = self.connection_id.to_string();
        blocking(move || Ok(store.store_fetched_stages(&conn, &job_id, &stages)?)).await?;
        (self.progress)("stages", done, Some(total));
        Ok(())
    }

    async fn cancellable<T>(
        &self,
        work: impl std::future::Future<Output = T>,
    ) -> Result<T, ApiError> {
        let mut cancel = self.cancel.clone();
        if *cancel.borrow() {
            return Err(cancelled());
        }
        tokio::select! {
            out = work => Ok(out),
            _ = cancel.wait_for(|&c| c) => Err(cancelled()),
        }
    }
}

/// Ids returned by a full listing, per record family.
#[derive(Default)]
struct Seen {
    users: Vec<String>,
    jobs: Vec<String>,
    candidates: Vec<String>,
    applications: Vec<String>,
}

impl Seen {
    fn add(&mut self, r: &reqlink_ats::RecordSet) {
        self.users.extend(r.users.iter().map(|x| x.id.clone()));
        self.jobs.extend(r.jobs.iter().map(|x| x.id.clone()));
        self.candidates
            .extend(r.candidates.iter().map(|x| x.id.clone()));
        self.applications
            .extend(r.applications.iter().map(|x| x.id.clone()));
    }
}

fn cancelled() -> ApiError {
    ApiError::new(
        ErrorCode::Cancelled,
        "Sync cancelled. The next sync continues where this one stopped.",
    )
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
