//! Workday REST JSON shapes. Every record carries `id` (its WID),
//! `descriptor` (the display string Workday shows for it) and `href`;
//! references to other records are `{id, descriptor, href}` objects, and
//! enumerations (statuses, time type) are references with a descriptor.
//! Timestamps are ISO 8601 UTC with milliseconds; dates are `YYYY-MM-DD`.

use serde_json::{json, Value};

use super::model::{wid, Kind, Tenant};
use crate::clock::write_iso_ms;

pub(crate) fn ts(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    write_iso_ms(&mut s, ms);
    s
}

fn date(ms: i64) -> String {
    ts(ms)[..10].to_owned()
}

fn reference(id: &str, descriptor: &str, href: Option<String>) -> Value {
    match href {
        Some(h) => json!({ "id": id, "descriptor": descriptor, "href": h }),
        None => json!({ "id": id, "descriptor": descriptor }),
    }
}

/// A reference to a fixed tenant value (organisation, location, status…):
/// its WID is derived from the descriptor so it is stable.
fn value_ref(t: &Tenant, kind: Kind, descriptor: &str) -> Value {
    let n = crate::rng::hash_parts(&[descriptor]) & 0xFFFF_FFFF_FFFF;
    reference(&wid(t.seed, kind, n), descriptor, None)
}

pub(crate) fn worker_ref(base: &str, t: &Tenant, w: u32) -> Value {
    let w = &t.workers[w as usize];
    reference(&w.wid, &w.name(), Some(format!("{base}/workers/{}", w.wid)))
}

pub(crate) fn worker(base: &str, t: &Tenant, i: usize) -> Value {
    let w = &t.workers[i];
    json!({
        "id": w.wid,
        "descriptor": w.name(),
        "href": format!("{base}/workers/{}", w.wid),
        "workerId": w.worker_id,
        "person": { "firstName": w.first_name, "lastName": w.last_name },
        "primaryWorkEmail": w.email,
        "businessTitle": w.business_title,
        "active": w.active,
    })
}

fn requisition_ref(base: &str, t: &Tenant, r: u32) -> Value {
    let r = &t.requisitions[r as usize];
    reference(
        &r.wid,
        &format!("{} {}", r.number, r.title),
        Some(format!("{base}/jobRequisitions/{}", r.wid)),
    )
}

pub(crate) fn requisition(base: &str, t: &Tenant, i: usize) -> Value {
    let r = &t.requisitions[i];
    json!({
        "id": r.wid,
        "descriptor": format!("{} {} ({})", r.number, r.title, r.status.as_str()),
        "href": format!("{base}/jobRequisitions/{}", r.wid),
        "jobRequisitionId": r.number,
        "jobPostingTitle": r.title,
        "jobRequisitionStatus": value_ref(t, Kind::Status, r.status.as_str()),
        "supervisoryOrganization": value_ref(t, Kind::Organization, r.organization),
        "primaryLocation": value_ref(t, Kind::Location, r.location),
        "timeType": value_ref(t, Kind::Status, r.time_type),
        "workerType": value_ref(t, Kind::Status, r.worker_type),
        "hiringManager": worker_ref(base, t, r.hiring_manager),
        "recruiters": [worker_ref(base, t, r.recruiter)],
        "numberOfOpenings": r.openings,
        "recruitingStartDate": r.opened_on.map(date),
        "createdOn": ts(r.created_on),
        "openedOn": r.opened_on.map(ts),
        "closedOn": r.closed_on.map(ts),
        "updatedOn": ts(r.updated_on),
        "recruitingStages": {
            "href": format!("{base}/jobRequisitions/{}/recruitingStages", r.wid)
        },
    })
}

pub(crate) fn stage(base: &str, t: &Tenant, r: usize, s: usize) -> Value {
    let req = &t.requisitions[r];
    let st = &req.stages[s];
    json!({
        "id": st.wid,
        "descriptor": st.name,
        "order": s + 1,
        "jobRequisition": requisition_ref(base, t, r as u32),
        "inactive": false,
    })
}

pub(crate) fn posting(base: &str, t: &Tenant, r: usize) -> Option<Value> {
    let req = &t.requisitions[r];
    let p = req.posting.as_ref()?;
    Some(json!({
        "id": p.wid,
        "descriptor": req.title,
        "href": format!("{base}/jobPostings/{}", p.wid),
        "title": req.title,
        "jobRequisition": requisition_ref(base, t, r as u32),
        "jobPostingSite": value_ref(t, Kind::Status, "External Career Site"),
        "primaryLocation": value_ref(t, Kind::Location, req.location),
        "timeType": value_ref(t, Kind::Status, req.time_type),
        "startDate": date(p.posted_on),
        "postedOn": ts(p.posted_on),
        "externalUrl": format!(
            "https://brightwave.wd1.myworkdayjobs.com/en-US/careers/job/{}/{}",
            req.location.replace(' ', "-"),
            req.number
        ),
    }))
}

fn candidate_ref(base: &str, t: &Tenant, c: u32) -> Value {
    let c = &t.candidates[c as usize];
    reference(
        &c.wid,
        &c.name(),
        Some(format!("{base}/candidates/{}", c.wid)),
    )
}

fn application_descriptor(t: &Tenant, a: usize) -> String {
    let app = &t.applications[a];
    let c = &t.candidates[app.candidate as usize];
    let r = &t.requisitions[app.requisition as usize];
    format!("{} - {} {}", c.name(), r.number, r.title)
}

fn application_ref(base: &str, t: &Tenant, a: u32) -> Value {
    let app = &t.applications[a as usize];
    reference(
        &app.wid,
        &application_descriptor(t, a as usize),
        Some(format!("{base}/jobApplications/{}", app.wid)),
    )
}

pub(crate) fn candidate(base: &str, t: &Tenant, i: usize) -> Value {
    let c = &t.candidates[i];
    json!({
        "id": c.wid,
        "descriptor": c.name(),
        "href": format!("{base}/candidates/{}", c.wid),
        "candidateId": c.candidate_id,
        "name": {
            "firstName": c.first_name,
            "lastName": c.last_name,
        },
        "email": c.email,
        "phone": c.phone,
        "currentJobTitle": c.job_title,
        "currentCompany": c.company,
        "jobApplications": c.apps.iter().map(|&a| application_ref(base, t, a)).collect::<Vec<_>>(),
        "createdOn": ts(c.created_on),
        "updatedOn": ts(c.updated_on),
    })
}

pub(crate) fn application(base: &str, t: &Tenant, i: usize) -> Value {
    let a = &t.applications[i];
    let req = &t.requisitions[a.requisition as usize];
    let st = &req.stages[a.stage as usize];
    json!({
        "id": a.wid,
        "descriptor": application_descriptor(t, i),
        "href": format!("{base}/jobApplications/{}", a.wid),
        "candidate": candidate_ref(base, t, a.candidate),
        "jobRequisition": requisition_ref(base, t, a.requisition),
        "recruitingStage": { "id": st.wid, "descriptor": st.name },
        "recruitingStep": { "descriptor": a.step },
        "status": value_ref(t, Kind::Status, a.state.as_str()),
        "disposition": a.disposition.map(|d| value_ref(t, Kind::Disposition, d)),
        "source": value_ref(t, Kind::Source, a.source),
        "appliedOn": ts(a.applied_on),
        "updatedOn": ts(a.updated_on),
    })
}

pub(crate) fn note(base: &str, t: &Tenant, i: usize) -> Value {
    let n = &t.notes[i];
    let c = &t.candidates[n.candidate as usize];
    json!({
        "id": n.wid,
        "descriptor": format!("Note on {}", c.name()),
        "href": format!("{base}/candidates/{}/notes/{}", c.wid, n.wid),
        "comment": n.comment,
        "candidate": candidate_ref(base, t, n.candidate),
        "jobApplication": n.application.map(|a| application_ref(base, t, a)),
        "worker": worker_ref(base, t, n.worker),
        "createdOn": ts(n.created_on),
    })
}

pub(crate) fn attachment(base: &str, t: &Tenant, i: usize) -> Value {
    let a = &t.attachments[i];
    let c = &t.candidates[a.candidate as usize];
    json!({
        "id": a.wid,
        "descriptor": a.file_name,
        "href": format!("{base}/candidates/{}/attachments/{}/content", c.wid, a.wid),
        "fileName": a.file_name,
        "contentType": { "descriptor": a.content_type },
        "fileLength": a.bytes.len(),
        "category": { "descriptor": a.category },
        "candidate": candidate_ref(base, t, a.candidate),
        "jobApplication": a.application.map(|x| application_ref(base, t, x)),
        "uploadedBy": worker_ref(base, t, a.worker),
        "uploadedOn": ts(a.uploaded_on),
    })
}
