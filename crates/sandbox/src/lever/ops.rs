//! Changes to opportunities that both the API and the control surface make,
//! each firing the webhooks Lever would. Webhooks are fired after the data
//! lock is released.

use std::sync::Arc;

use serde_json::{json, Value};

use super::model::{Application, Archived, Opportunity, StageChange};
use super::{webhooks, LeverState};

pub(crate) struct NewOpportunity {
    pub name: String,
    pub headline: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub location: String,
    pub tags: Vec<String>,
    pub sources: Vec<String>,
    pub origin: String,
    pub posting: Option<usize>,
    pub stage: usize,
    pub user: usize,
}

/// The opportunity is gone (unknown id or deleted).
#[derive(Debug)]
pub(crate) struct Gone;

fn ids(o: &Opportunity) -> Value {
    // `candidateId` is Lever's legacy name for the opportunity id.
    json!({ "opportunityId": o.id, "candidateId": o.id, "contactId": o.contact })
}

fn archived_json(d: &super::LeverData, a: Option<Archived>) -> Value {
    a.map_or(
        Value::Null,
        |a| json!({ "reason": d.archive_reasons[a.reason].id, "archivedAt": a.at }),
    )
}

/// Creates an opportunity (on the contact that owns one of its e-mails, if
/// any) and returns its id and creation time.
pub(crate) fn create(st: &Arc<LeverState>, new: NewOpportunity) -> (String, i64) {
    let now = st.tick();
    let mut d = st.write();
    let contact = new
        .emails
        .iter()
        .find_map(|e| d.contact_by_email(e))
        .unwrap_or_else(|| d.new_id());
    let id = d.new_id();
    let application = match new.posting {
        Some(p) => Some(Application {
            id: d.new_id(),
            posting: p,
            created_at: now,
            user: Some(new.user),
        }),
        None => None,
    };
    let event = application.as_ref().map(|a| {
        json!({
            "applicationId": a.id,
            "opportunityId": id,
            "candidateId": id,
            "contactId": contact,
            "postingId": d.postings[a.posting].id,
        })
    });
    let sourced = new.origin == "sourced";
    d.push_opportunity(Opportunity {
        id: id.clone(),
        contact,
        name: new.name,
        headline: new.headline,
        emails: new.emails,
        phones: new.phones,
        location: new.location,
        stage: new.stage,
        stage_changes: vec![StageChange {
            to_stage: new.stage,
            at: now,
            user: Some(new.user),
        }],
        owner: Some(new.user),
        tags: new.tags,
        sources: new.sources,
        origin: new.origin,
        sourced_by: sourced.then_some(new.user),
        application,
        archived: None,
        created_at: now,
        updated_at: now,
        last_interaction_at: now,
        last_advanced_at: now,
        notes: Vec::new(),
        files: Vec::new(),
        deleted_at: None,
    });
    drop(d);
    // A general opportunity has no application, so nothing to announce.
    if let Some(data) = event {
        webhooks::fire(st, "applicationCreated", data);
    }
    (id, now)
}

/// Moves the opportunity; returns the change time. Moving to the stage it
/// is already in changes nothing and fires nothing.
pub(crate) fn change_stage(
    st: &Arc<LeverState>,
    id: &str,
    stage: usize,
    user: Option<usize>,
) -> Result<i64, Gone> {
    let now = st.tick();
    let mut d = st.write();
    let i = d.opportunity(id).ok_or(Gone)?;
    let from = d.opportunities[i].stage;
    if from == stage {
        return Ok(now);
    }
    let mut data = ids(&d.opportunities[i]);
    data["fromStageId"] = json!(d.stages[from].id);
    data["toStageId"] = json!(d.stages[stage].id);
    let o = &mut d.opportunities[i];
    o.stage = stage;
    o.stage_changes.push(StageChange {
        to_stage: stage,
        at: now,
        user,
    });
    o.updated_at = now;
    o.last_advanced_at = now;
    o.last_interaction_at = now;
    drop(d);
    webhooks::fire(st, "candidateStageChange", data);
    Ok(now)
}

/// Archives with `reason`; the Hired reason also fires `candidateHired`.
pub(crate) fn archive(st: &Arc<LeverState>, id: &str, reason: usize) -> Result<(), Gone> {
    let now = st.tick();
    let mut d = st.write();
    let i = d.opportunity(id).ok_or(Gone)?;
    let before = d.opportunities[i].archived;
    let after = Some(Archived { reason, at: now });
    let hired = d.archive_reasons[reason].hired;
    let mut data = ids(&d.opportunities[i]);
    data["fromArchived"] = archived_json(&d, before);
    data["toArchived"] = archived_json(&d, after);
    let hired_data = hired.then(|| {
        let mut h = ids(&d.opportunities[i]);
        h["archivedAt"] = json!(now);
        h
    });
    let o = &mut d.opportunities[i];
    o.archived = after;
    o.updated_at = now;
    o.last_interaction_at = now;
    drop(d);
    webhooks::fire(st, "candidateArchiveChange", data);
    if let Some(h) = hired_data {
        webhooks::fire(st, "candidateHired", h);
    }
    Ok(())
}

pub(crate) fn delete(st: &Arc<LeverState>, id: &str) -> Result<(), Gone> {
    let now = st.tick();
    let mut d = st.write();
    let i = d.opportunity(id).ok_or(Gone)?;
    let mut data = ids(&d.opportunities[i]);
    data["deletedBy"] = Value::Null;
    d.opportunities[i].deleted_at = Some(now);
    drop(d);
    webhooks::fire(st, "candidateDeleted", data);
    Ok(())
}
