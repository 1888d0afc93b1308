//! Lever JSON shapes. Timestamps are unix milliseconds (numbers), ids are
//! strings, absent optional objects are `null` rather than missing, as in
//! Lever's responses.

use serde_json::{json, Value};

use super::model::{LeverData, Note, Opportunity, Posting, StoredFile, User};

/// Which `expand` values the request asked for.
#[derive(Default, Clone, Copy)]
pub(crate) struct Expand {
    pub applications: bool,
    pub stage: bool,
    pub owner: bool,
}

impl Expand {
    pub(crate) fn parse<'a>(values: impl Iterator<Item = &'a str>) -> Self {
        let mut e = Expand::default();
        for v in values.flat_map(|v| v.split(',')) {
            match v.trim() {
                "applications" => e.applications = true,
                "stage" => e.stage = true,
                "owner" => e.owner = true,
                _ => {}
            }
        }
        e
    }
}

pub(crate) fn user(u: &User) -> Value {
    json!({
        "id": u.id,
        "name": u.name,
        "username": u.username,
        "email": u.email,
        "accessRole": u.access_role,
        "photo": null,
        "createdAt": u.created_at,
        "deactivatedAt": u.deactivated_at,
        "externalDirectoryId": null,
        "linkedContactIds": [],
    })
}

pub(crate) fn posting(d: &LeverData, p: &Posting) -> Value {
    let channels: &[&str] = match p.state {
        "published" => &["public", "internal"],
        "internal" => &["internal"],
        _ => &[],
    };
    json!({
        "id": p.id,
        "text": p.text,
        "createdAt": p.created_at,
        "updatedAt": p.updated_at,
        "user": d.users[p.owner].id,
        "owner": d.users[p.owner].id,
        "hiringManager": d.users[p.hiring_manager].id,
        "confidentiality": if p.confidential { "confidential" } else { "non-confidential" },
        "categories": {
            "team": p.team,
            "department": p.department,
            "location": p.location,
            "allLocations": [p.location],
            "commitment": p.commitment,
            "level": null,
        },
        "content": {
            "description": format!("{} joins the {} team at {}.", p.text, p.team, crate::words::EMPLOYER),
            "descriptionHtml": format!("<div>{} joins the {} team at {}.</div>", p.text, p.team, crate::words::EMPLOYER),
            "lists": [],
            "closing": "",
            "closingHtml": "",
        },
        "country": null,
        "followers": [d.users[p.owner].id],
        "tags": [],
        "state": p.state,
        "distributionChannels": channels,
        "reqCode": p.req_code,
        "requisitionCodes": [p.req_code],
        "workplaceType": p.workplace_type,
        "urls": {
            "list": "https://jobs.lever.co/brightwave",
            "show": format!("https://jobs.lever.co/brightwave/{}", p.id),
            "apply": format!("https://jobs.lever.co/brightwave/{}/apply", p.id),
        },
    })
}

fn archived(d: &LeverData, o: &Opportunity) -> Value {
    match o.archived {
        None => Value::Null,
        Some(a) => json!({ "reason": d.archive_reasons[a.reason].id, "archivedAt": a.at }),
    }
}

pub(crate) fn opportunity(d: &LeverData, o: &Opportunity, expand: Expand) -> Value {
    let user_id = |u: Option<usize>| u.map(|u| d.users[u].id.clone());
    let stage = if expand.stage {
        json!({ "id": d.stages[o.stage].id, "text": d.stages[o.stage].text })
    } else {
        json!(d.stages[o.stage].id)
    };
    let owner = match (expand.owner, o.owner) {
        (true, Some(u)) => {
            json!({"id": d.users[u].id, "name": d.users[u].name, "email": d.users[u].email})
        }
        (_, u) => json!(user_id(u)),
    };
    let applications: Vec<Value> = o
        .application
        .iter()
        .map(|a| {
            if !expand.applications {
                return json!(a.id);
            }
            let p = &d.postings[a.posting];
            json!({
                "id": a.id,
                "opportunityId": o.id,
                "candidateId": o.id,
                "createdAt": a.created_at,
                "type": if a.user.is_some() { "user" } else { "posting" },
                "posting": p.id,
                "postingHiringManager": d.users[p.hiring_manager].id,
                "postingOwner": d.users[p.owner].id,
                "user": user_id(a.user),
                "name": o.name,
                "email": o.emails.first(),
                "phone": o.phones.first().map(|v| json!({"type": "mobile", "value": v})),
                "company": if o.headline.is_empty() { None } else { Some(&o.headline) },
                "links": [],
                "comments": null,
                "customQuestions": [],
                "archived": archived(d, o),
                "requisitionForHire": null,
            })
        })
        .collect();
    json!({
        "id": o.id,
        "name": o.name,
        "headline": o.headline,
        "contact": o.contact,
        "emails": o.emails,
        "phones": o.phones.iter().map(|p| json!({"type": "mobile", "value": p})).collect::<Vec<_>>(),
        "confidentiality": "non-confidential",
        "location": o.location,
        "links": [],
        "createdAt": o.created_at,
        "updatedAt": o.updated_at,
        "lastInteractionAt": o.last_interaction_at,
        "lastAdvancedAt": o.last_advanced_at,
        "snoozedUntil": null,
        "archived": archived(d, o),
        "stage": stage,
        "stageChanges": o.stage_changes.iter().map(|c| json!({
            "toStageId": d.stages[c.to_stage].id,
            "toStageIndex": c.to_stage,
            "updatedAt": c.at,
            "userId": user_id(c.user),
        })).collect::<Vec<_>>(),
        "owner": owner,
        "tags": o.tags,
        "sources": o.sources,
        "origin": o.origin,
        "sourcedBy": user_id(o.sourced_by),
        "applications": applications,
        "resume": null,
        "followers": user_id(o.owner).into_iter().collect::<Vec<_>>(),
        "urls": {
            "list": "https://hire.lever.co/candidates",
            "show": format!("https://hire.lever.co/candidates/{}", o.id),
        },
        "dataProtection": null,
        "isAnonymized": false,
    })
}

pub(crate) fn note(d: &LeverData, n: &Note) -> Value {
    json!({
        "id": n.id,
        "text": "Note",
        "fields": [{ "type": "note", "text": "Note", "value": n.value }],
        "user": d.users[n.user].id,
        "secret": false,
        "completedAt": n.created_at,
        "createdAt": n.created_at,
        "deletedAt": null,
    })
}

pub(crate) fn file(origin: &str, o: &Opportunity, f: &StoredFile) -> Value {
    let ext = f
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    json!({
        "id": f.id,
        "downloadUrl": format!("{origin}/v1/opportunities/{}/files/{}/download", o.id, f.id),
        "ext": ext,
        "name": f.name,
        "uploadedAt": f.uploaded_at,
        "status": "processed",
        "size": f.bytes.len(),
    })
}
