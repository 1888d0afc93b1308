//! Sends interview invites: every application of an active link that sits
//! in a trigger stage is ingested into the linked agent exactly once.
//!
//! The platform's ingestion is not idempotent (each call makes a new
//! interview), so a send whose answer was lost is never repeated blindly:
//! it waits as "unconfirmed" until the interview's own events arrive and
//! are matched on agent and e-mail, or a person presses Retry.

use std::time::Duration;

use reqlink_platform::{NewCandidate, PlatformError};
use reqlink_store::DueInvite;

use crate::core::Core;
use crate::sync::blocking;
use crate::writeback::{backoff, now_unix};

/// Sends per pass; the platform allows 300 requests a minute.
const BATCH: u32 = 50;

impl Core {
    /// Queues invites for applications in trigger stages and sends those
    /// due. Returns how many were sent.
    pub(crate) async fn invite_pass(&self) -> usize {
        let store = self.inner.store.clone();
        let due = blocking(move || {
            let now = now_unix();
            store.plan_invites(now)?;
            Ok(store.due_invites(now, BATCH)?)
        })
        .await;
        let due = match due {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!("could not plan invites: {}", e.message);
                return 0;
            }
        };
        let mut sent = 0;
        for invite in due {
            if self.send_invite(&invite).await {
                sent += 1;
            }
        }
        if sent > 0 {
            self.emit(reqlink_domain::AppEvent::DataChanged {
                entities: vec!["pipeline".into()],
            });
        }
        sent
    }

    async fn send_invite(&self, invite: &DueInvite) -> bool {
        let store = self.inner.store.clone();
        let id = invite.id;
        let Some(email) = invite.email.clone().filter(|e| e.contains('@')) else {
            let _ = blocking(move || {
                Ok(store.invite_failed(
                    id,
                    "the candidate has no e-mail address in the ATS; add one there, then Retry",
                    None,
                    false,
                )?)
            })
            .await;
            return false;
        };
        let Some((_, client)) = self.platform() else {
            let _ = blocking(move || {
                Ok(store.invite_failed(
                    id,
                    "no interview platform is connected",
                    Some(now_unix() + 300.0),
                    false,
                )?)
            })
            .await;
            return false;
        };
        {
            let store = store.clone();
            let email = email.clone();
            // Unlinked (or retried elsewhere) since it was read: not sent.
            if !blocking(move || Ok(store.invite_sending(id, &email)?))
                .await
                .unwrap_or(false)
            {
                return false;
            }
        }
        let mut metadata = serde_json::Map::new();
        metadata.insert("reqlink_invite".into(), invite.id.to_string().into());
        metadata.insert("ats_connection".into(), invite.connection_id.clone().into());
        metadata.insert(
            "ats_application_id".into(),
            invite.application_id.clone().into(),
        );
        metadata.insert(
            "ats_candidate_id".into(),
            invite.candidate_id.clone().into(),
        );
        if !invite.job_name.is_empty() {
            metadata.insert("requisition".into(), truncate(&invite.job_name, 500).into());
        }
        let name = if invite.name.trim().is_empty() {
            email.clone()
        } else {
            invite.name.clone()
        };
        let result = client
            .ingest_candidate(
                &invite.posting_id,
                &NewCandidate {
                    name: &name,
                    email: &email,
                    phone_number: None,
                    metadata: Some(metadata),
                },
            )
            .await;
        let attempts = invite.attempts + 1;
        let outcome = blocking(move || {
            match result {
                Ok(sent) => {
                    store.invite_sent(id, &sent.interview_id, sent.interview_url.as_deref())?;
                    return Ok(true);
                }
                Err(e) => {
                    let (retry_at, unconfirmed) = classify(&e, attempts);
                    store.invite_failed(id, &e.to_string(), retry_at, unconfirmed)?;
                }
            }
            Ok(false)
        })
        .await;
        outcome.unwrap_or(false)
    }

    /// Runs invite passes whenever woken, and at least every few seconds
    /// while invites wait for a retry.
    pub(crate) fn start_invite_worker(&self) {
        let core = self.clone();
        let handle = tokio::spawn(async move {
            let store = core.inner.store.clone();
            if let Ok(n) = blocking(move || Ok(store.recover_sending_invites()?)).await {
                if n > 0 {
                    tracing::warn!("{n} invite(s) were being sent when the app stopped");
                }
            }
            loop {
                core.invite_pass().await;
                let store = core.inner.store.clone();
                let next = blocking(move || Ok(store.next_invite_due()?))
                    .await
                    .ok()
                    .flatten();
                let wait = next
                    .map(|at| (at - now_unix()).clamp(0.05, 30.0))
                    .unwrap_or(30.0);
                let _ = tokio::time::timeout(
                    Duration::from_secs_f64(wait),
                    core.inner.loop_wake.invites.notified(),
                )
                .await;
            }
        });
        self.inner
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle);
    }

    /// Something changed that may put applications into trigger stages.
    pub(crate) fn wake_invites(&self) {
        self.inner.loop_wake.invites.notify_one();
    }
}

/// When to try again, and whether the platform may have the invite.
fn classify(err: &PlatformError, attempts: u32) -> (Option<f64>, bool) {
    match err {
        // Refused before anything was created.
        PlatformError::RateLimited { .. } => (Some(now_unix() + 60.0), false),
        // Offline: the invite waits for the network however long it takes.
        PlatformError::Network { message, .. } if message == "could not connect" => {
            (Some(now_unix() + backoff(attempts)), false)
        }
        PlatformError::Unauthorized { .. }
        | PlatformError::NotFound { .. }
        | PlatformError::Invalid { .. } => (None, false),
        // The request may have been processed: never send it again blindly.
        PlatformError::Network { .. }
        | PlatformError::Server { .. }
        | PlatformError::Malformed { .. } => (None, true),
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
