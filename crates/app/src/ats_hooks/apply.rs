//! Applying a stored Greenhouse or Lever delivery to the local copy. The
//! signature was checked by the receiver before the delivery was stored,
//! so only the payload is decoded here.

use reqlink_ats::{AtsEvent, VerifiedEvent};
use reqlink_store::{Store, StoreError, StoredDelivery};

/// What one ATS delivery changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Applied {
    pub jobs: bool,
    pub candidates: bool,
    /// An application moved to another stage: (connection id, application id).
    pub stage_move: Option<(String, String)>,
}

/// Greenhouse actions that move an application between stages.
const GREENHOUSE_STAGE_ACTIONS: &[&str] = &["candidate_stage_change", "hire_candidate"];

/// Decodes and applies a delivery; `Err` carries the dead-letter reason.
pub(crate) fn apply(store: &Store, delivery: &StoredDelivery) -> Result<Applied, String> {
    let connection_id = delivery
        .token
        .as_deref()
        .map(|t| store.token_connection(t))
        .transpose()
        .map_err(|e| format!("could not look up the delivery's connection: {e}"))?
        .flatten()
        .ok_or_else(|| {
            "the ATS connection this delivery came from is gone (disconnected?); nothing to apply"
                .to_string()
        })?;
    let verified = decode(delivery)?;
    let action = verified.action.clone();
    apply_event(store, &connection_id, verified)
        .map_err(|e| format!("could not apply {action} to the local copy: {e}"))
}

fn decode(delivery: &StoredDelivery) -> Result<VerifiedEvent, String> {
    let decoded = match delivery.source.as_str() {
        // The event id is not needed past the receiver's dedupe.
        "greenhouse" => reqlink_greenhouse::parse_webhook("", &delivery.body),
        "lever" => reqlink_lever::parse_webhook(&delivery.body),
        other => return Err(format!("no processor for {other} deliveries")),
    };
    decoded.map_err(|e| format!("{} {}: {e}", delivery.source, delivery.event_type))
}

fn apply_event(
    store: &Store,
    connection_id: &str,
    verified: VerifiedEvent,
) -> Result<Applied, StoreError> {
    let mut applied = Applied::default();
    let moved = |application_id: &str| Some((connection_id.to_owned(), application_id.to_owned()));
    match verified.event {
        AtsEvent::Ping | AtsEvent::Ignored { .. } => {}
        AtsEvent::ApplicationChanged {
            application,
            candidate,
        } => {
            let written =
                store.put_application_event(connection_id, &application, candidate.as_ref())?;
            applied.candidates = true;
            if written && GREENHOUSE_STAGE_ACTIONS.contains(&verified.action.as_str()) {
                applied.stage_move = moved(&application.id);
            }
        }
        AtsEvent::StageChanged {
            application_id,
            to_stage_id,
            ..
        } => {
            // An application not synced yet is left to the next sync (its
            // update time moved, so the incremental sync brings it).
            if store.move_application(connection_id, &application_id, &to_stage_id)? {
                applied.candidates = true;
                applied.stage_move = moved(&application_id);
            }
        }
        AtsEvent::CandidateChanged(candidate) => {
            applied.candidates = store.put_candidate_event(connection_id, &candidate)?;
        }
        AtsEvent::CandidateDeleted { candidate_id } => {
            store.delete_candidate(connection_id, &candidate_id)?;
            applied.candidates = true;
        }
        AtsEvent::ApplicationDeleted {
            application_id,
            candidate_id,
        } => {
            store.delete_application(connection_id, &application_id, candidate_id.as_deref())?;
            applied.candidates = true;
        }
        AtsEvent::CandidatesMerged {
            kept_id,
            removed_ids,
        } => {
            store.merge_candidates(connection_id, &kept_id, &removed_ids)?;
            applied.candidates = true;
        }
        AtsEvent::CandidateAnonymized { candidate_id } => {
            store.anonymize_candidate(connection_id, &candidate_id)?;
            applied.candidates = true;
        }
        AtsEvent::JobChanged(job) => {
            applied.jobs = store.put_job_event(connection_id, &job)?;
        }
        AtsEvent::JobDeleted { job_id } => {
            store.delete_job(connection_id, &job_id)?;
            applied.jobs = true;
        }
    }
    Ok(applied)
}
