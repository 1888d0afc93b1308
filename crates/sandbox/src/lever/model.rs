//! The emulated Lever account: model and deterministic generation.
//!
//! The organisation is the Greenhouse generator's, run with a different seed
//! and re-shaped the way Lever sees hiring: a *contact* (the person) has
//! one *opportunity* per pursuit, an opportunity is on at most one posting
//! (none: a "general opportunity"), stages are one global pipeline, and
//! rejection or hiring is an *archive* with a reason.
//!
//! Opportunities are kept in creation order and never removed (a delete is a
//! tombstone), so a position in the `Vec` is stable for the life of the
//! sandbox: paging tokens and the id index rely on that.

use std::collections::HashMap;
use std::sync::Arc;

use crate::clock::{ANCHOR_MS, DAY_MS, HOUR_MS};
use crate::data::{AppStatus, Data, JobStatus, Sizes};
use crate::rng::{mix, Rng};
use crate::words;

/// Mixed into the seed so the Lever people are not the Greenhouse people.
const LEVER_SALT: u64 = 0x4C65_7665_7221_0001;
const S_LEVER: u64 = 0x4C56;

pub(crate) struct Stage {
    pub id: String,
    pub text: &'static str,
}

pub(crate) struct ArchiveReason {
    pub id: String,
    pub text: &'static str,
    pub hired: bool,
}

pub(crate) struct User {
    pub id: String,
    pub name: String,
    pub username: String,
    pub email: String,
    pub access_role: &'static str,
    pub created_at: i64,
    pub deactivated_at: Option<i64>,
}

pub(crate) struct Posting {
    pub id: String,
    pub text: String,
    /// published, internal, closed or draft.
    pub state: &'static str,
    pub confidential: bool,
    pub department: &'static str,
    pub team: &'static str,
    pub location: &'static str,
    pub commitment: &'static str,
    pub workplace_type: &'static str,
    pub req_code: String,
    pub owner: usize,
    pub hiring_manager: usize,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) struct StageChange {
    pub to_stage: usize,
    pub at: i64,
    pub user: Option<usize>,
}

pub(crate) struct Application {
    pub id: String,
    pub posting: usize,
    pub created_at: i64,
    /// Who added it (sourced and referred applications have one).
    pub user: Option<usize>,
}

#[derive(Clone, Copy)]
pub(crate) struct Archived {
    pub reason: usize,
    pub at: i64,
}

pub(crate) struct Note {
    pub id: String,
    pub value: String,
    pub user: usize,
    pub created_at: i64,
}

pub(crate) struct StoredFile {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub bytes: Arc<Vec<u8>>,
    pub uploaded_at: i64,
}

pub(crate) struct Opportunity {
    pub id: String,
    pub contact: String,
    pub name: String,
    pub headline: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub location: String,
    pub stage: usize,
    pub stage_changes: Vec<StageChange>,
    pub owner: Option<usize>,
    pub tags: Vec<String>,
    pub sources: Vec<String>,
    pub origin: String,
    pub sourced_by: Option<usize>,
    pub application: Option<Application>,
    pub archived: Option<Archived>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_interaction_at: i64,
    pub last_advanced_at: i64,
    pub notes: Vec<Note>,
    pub files: Vec<StoredFile>,
    pub deleted_at: Option<i64>,
}

impl Opportunity {
    pub(crate) fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }
}

pub(crate) struct LeverData {
    pub stages: Vec<Stage>,
    pub archive_reasons: Vec<ArchiveReason>,
    pub users: Vec<User>,
    pub postings: Vec<Posting>,
    pub opportunities: Vec<Opportunity>,
    pub index: HashMap<String, usize>,
    /// Ids handed out after generation (notes, files, new opportunities).
    pub id_rng: Rng,
}

/// Lever's built-in stages keep readable ids; stages an account adds get
/// UUIDs. Clients must treat both as opaque strings.
const STAGES: &[(Option<&str>, &str)] = &[
    (Some("lead-new"), "New lead"),
    (Some("lead-reached-out"), "Reached out"),
    (Some("lead-responded"), "Responded"),
    (Some("applicant-new"), "New applicant"),
    (None, "Recruiter screen"),
    (None, "AI assessment"),
    (None, "Phone screen"),
    (None, "Skills interview"),
    (None, "On-site"),
    (None, "Reference check"),
    (Some("offer"), "Offer"),
];

pub(crate) const STAGE_NEW_LEAD: usize = 0;
const STAGE_REACHED_OUT: usize = 1;
const STAGE_RESPONDED: usize = 2;
const STAGE_NEW_APPLICANT: usize = 3;

/// Where a Greenhouse-style stage name lands in the Lever pipeline.
fn lever_stage_for(gh_stage: &str) -> usize {
    let idx = |text: &str| STAGES.iter().position(|s| s.1 == text).unwrap_or(0);
    match gh_stage {
        "Application Review" => STAGE_NEW_APPLICANT,
        "Recruiter Screen" => idx("Recruiter screen"),
        "AI Interview" => idx("AI assessment"),
        "Hiring Manager Screen" => idx("Phone screen"),
        "Onsite" | "Final Interview" | "Panel Interview" => idx("On-site"),
        "Reference Check" => idx("Reference check"),
        "Offer" => idx("Offer"),
        _ => idx("Skills interview"),
    }
}

/// A UUID v4-shaped id drawn from `rng` (deterministic per seed).
pub(crate) fn uuid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000;
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

impl LeverData {
    pub(crate) fn generate(seed: u64, sizes: &Sizes) -> LeverData {
        let gh = Data::generate(seed ^ LEVER_SALT, sizes);
        let mut rng = Rng::stream(seed, S_LEVER);

        let stages: Vec<Stage> = STAGES
            .iter()
            .map(|&(id, text)| Stage {
                id: id.map_or_else(|| uuid(&mut rng), str::to_owned),
                text,
            })
            .collect();

        let mut archive_reasons = vec![ArchiveReason {
            id: uuid(&mut rng),
            text: "Hired",
            hired: true,
        }];
        archive_reasons.extend(
            words::REJECTION_REASONS
                .iter()
                .map(|&(text, _)| ArchiveReason {
                    id: uuid(&mut rng),
                    text,
                    hired: false,
                }),
        );

        let users: Vec<User> = gh
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let username = u.email.split('@').next().unwrap_or_default().to_owned();
                User {
                    id: uuid(&mut rng),
                    name: format!("{} {}", u.first_name, u.last_name),
                    username,
                    email: u.email.clone(),
                    access_role: match (i, u.site_admin) {
                        (0, _) => "super admin",
                        (_, true) => "admin",
                        _ if rng.chance(20) => "interviewer",
                        _ => "team member",
                    },
                    created_at: u.created_at,
                    deactivated_at: u.disabled.then_some(u.updated_at),
                }
            })
            .collect();

        let postings: Vec<Posting> = gh
            .jobs
            .iter()
            .map(|j| {
                let dept = &gh.departments[j.department as usize];
                let (office, location) = words::OFFICES[j.office as usize];
                let state = match j.status {
                    JobStatus::Open if rng.chance(15) => "internal",
                    JobStatus::Open => "published",
                    JobStatus::Closed => "closed",
                    JobStatus::Draft => "draft",
                };
                Posting {
                    id: uuid(&mut rng),
                    text: j.name.clone(),
                    state,
                    confidential: rng.chance(5),
                    department: dept.name,
                    team: dept.name,
                    location,
                    commitment: j.employment_type,
                    workplace_type: if office.starts_with("Remote") {
                        "remote"
                    } else if rng.chance(30) {
                        "hybrid"
                    } else {
                        "onsite"
                    },
                    req_code: j.requisition_id.clone(),
                    owner: j.recruiters.first().copied().unwrap_or(0) as usize,
                    hiring_manager: j.hiring_managers.first().copied().unwrap_or(0) as usize,
                    created_at: j.created_at,
                    updated_at: j.updated_at,
                }
            })
            .collect();

        let contacts: Vec<String> = gh.candidates.iter().map(|_| uuid(&mut rng)).collect();
        let mut opportunities =
            Vec::with_capacity(gh.applications.len() + gh.candidates.len() / 12);
        for a in &gh.applications {
            // Generated applications always have a job; prospects only
            // appear through writes, after generation.
            let Some(job_index) = a.job else { continue };
            let c = &gh.candidates[a.candidate as usize];
            let job = &gh.jobs[job_index as usize];
            let source = words::SOURCES[a.source as usize].0;
            let origin = match source {
                "Referral" => "referred",
                "Agency" => "agency",
                "Headhuntr" => "sourced",
                "LinkedIn" if rng.chance(50) => "sourced",
                "University Career Fair" => "university",
                "Internal Applicant" => "internal",
                _ => "applied",
            };
            let owner = a.credited_to.or(c.recruiter).map(|u| u as usize);
            // The path through the pipeline: sourced people start as leads.
            let mut path = Vec::new();
            if origin == "sourced" {
                path.extend([STAGE_NEW_LEAD, STAGE_REACHED_OUT, STAGE_RESPONDED]);
            } else {
                path.push(STAGE_NEW_APPLICANT);
            }
            for s in &job.stages[1..=a.stage as usize] {
                let st = lever_stage_for(s.name);
                if path.last() != Some(&st) {
                    path.push(st);
                }
            }
            let span = (a.last_activity_at - a.applied_at).max(1);
            let steps = path.len() as i64;
            let stage_changes: Vec<StageChange> = path
                .iter()
                .enumerate()
                .map(|(k, &to_stage)| StageChange {
                    to_stage,
                    at: a.applied_at + span * k as i64 / steps.max(1),
                    user: if k == 0 && origin != "sourced" {
                        None
                    } else {
                        owner
                    },
                })
                .collect();
            let archived = match a.status {
                AppStatus::Active => None,
                AppStatus::Hired => Some(Archived {
                    reason: 0,
                    at: a.last_activity_at,
                }),
                AppStatus::Rejected => Some(Archived {
                    reason: 1 + a.rejection_reason.unwrap_or(0) as usize,
                    at: a.rejected_at.unwrap_or(a.last_activity_at),
                }),
            };
            let last_advanced = stage_changes.last().map_or(a.applied_at, |s| s.at);
            opportunities.push(Opportunity {
                id: uuid(&mut rng),
                contact: contacts[a.candidate as usize].clone(),
                name: format!("{} {}", c.first_name, c.last_name),
                headline: c.company.as_deref().unwrap_or_default().to_owned(),
                emails: c.emails.iter().map(|e| e.value.clone()).collect(),
                phones: c.phones.iter().map(|p| p.value.clone()).collect(),
                location: words::OFFICES[job.office as usize].1.to_owned(),
                stage: *path.last().expect("path starts non-empty"),
                stage_changes,
                owner,
                tags: c.tags.iter().map(|t| t.to_string()).collect(),
                sources: vec![source.to_owned()],
                origin: origin.to_owned(),
                sourced_by: (origin == "sourced").then_some(owner).flatten(),
                application: Some(Application {
                    id: uuid(&mut rng),
                    posting: job_index as usize,
                    created_at: a.applied_at,
                    user: (origin != "applied").then_some(owner).flatten(),
                }),
                archived,
                created_at: a.applied_at,
                updated_at: a.last_activity_at,
                last_interaction_at: a.last_activity_at,
                last_advanced_at: last_advanced,
                notes: Vec::new(),
                files: Vec::new(),
                deleted_at: None,
            });
        }

        // Some people were approached before (or without) applying: general
        // opportunities on no posting, still in the lead stages.
        for (ci, c) in gh.candidates.iter().enumerate() {
            if !rng.chance(8) {
                continue;
            }
            let created_at = c.created_at - rng.range(2, 90) as i64 * DAY_MS;
            let stage = [STAGE_NEW_LEAD, STAGE_REACHED_OUT, STAGE_RESPONDED][rng.index(3)];
            let owner = c.recruiter.map(|u| u as usize);
            let stage_changes: Vec<StageChange> = (0..=stage)
                .map(|s| StageChange {
                    to_stage: s,
                    at: created_at + s as i64 * rng.range(1, 48) as i64 * HOUR_MS,
                    user: owner,
                })
                .collect();
            let last = stage_changes.last().map_or(created_at, |s| s.at);
            let archived = rng.chance(30).then(|| Archived {
                reason: archive_reasons
                    .iter()
                    .position(|r| r.text == "Unresponsive")
                    .unwrap_or(1),
                at: last + DAY_MS * rng.range(3, 20) as i64,
            });
            let updated_at = archived.map_or(last, |a| a.at).min(ANCHOR_MS);
            opportunities.push(Opportunity {
                id: uuid(&mut rng),
                contact: contacts[ci].clone(),
                name: format!("{} {}", c.first_name, c.last_name),
                headline: c.company.as_deref().unwrap_or_default().to_owned(),
                emails: c.emails.iter().map(|e| e.value.clone()).collect(),
                phones: c.phones.iter().map(|p| p.value.clone()).collect(),
                location: String::new(),
                stage,
                stage_changes,
                owner,
                tags: vec!["Passive Candidate".to_owned()],
                sources: vec![if rng.chance(50) {
                    "LinkedIn"
                } else {
                    "Headhuntr"
                }
                .to_owned()],
                origin: "sourced".to_owned(),
                sourced_by: owner,
                application: None,
                archived,
                created_at,
                updated_at,
                last_interaction_at: updated_at,
                last_advanced_at: last,
                notes: Vec::new(),
                files: Vec::new(),
                deleted_at: None,
            });
        }
        opportunities.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        let index = opportunities
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();

        LeverData {
            stages,
            archive_reasons,
            users,
            postings,
            opportunities,
            index,
            id_rng: Rng::stream(mix(seed ^ LEVER_SALT), S_LEVER + 1),
        }
    }

    pub(crate) fn opportunity(&self, id: &str) -> Option<usize> {
        self.index
            .get(id)
            .copied()
            .filter(|&i| self.opportunities[i].is_live())
    }

    pub(crate) fn stage_index(&self, id: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.id == id)
    }

    pub(crate) fn user_index(&self, id: &str) -> Option<usize> {
        self.users.iter().position(|u| u.id == id)
    }

    pub(crate) fn posting_index(&self, id: &str) -> Option<usize> {
        self.postings.iter().position(|p| p.id == id)
    }

    pub(crate) fn hired_reason(&self) -> usize {
        self.archive_reasons
            .iter()
            .position(|r| r.hired)
            .expect("generation always adds Hired")
    }

    pub(crate) fn new_id(&mut self) -> String {
        uuid(&mut self.id_rng)
    }

    /// The contact that already owns `email`, as Lever dedupes contacts by
    /// e-mail address when an opportunity is created.
    pub(crate) fn contact_by_email(&self, email: &str) -> Option<String> {
        let email = email.trim();
        self.opportunities
            .iter()
            .filter(|o| o.is_live())
            .find(|o| o.emails.iter().any(|e| e.eq_ignore_ascii_case(email)))
            .map(|o| o.contact.clone())
    }

    /// The first active, non-deactivated super admin: what the sandbox
    /// suggests for `perform_as`.
    pub(crate) fn perform_as_user(&self) -> &User {
        self.users
            .iter()
            .find(|u| u.deactivated_at.is_none() && u.access_role == "super admin")
            .or_else(|| self.users.iter().find(|u| u.deactivated_at.is_none()))
            .unwrap_or(&self.users[0])
    }

    pub(crate) fn push_opportunity(&mut self, o: Opportunity) -> usize {
        let i = self.opportunities.len();
        self.index.insert(o.id.clone(), i);
        self.opportunities.push(o);
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes() -> Sizes {
        Sizes {
            jobs: 12,
            candidates: 150,
            applications: 220,
            users: 8,
        }
    }

    #[test]
    fn same_seed_same_account_and_consistent_references() {
        let a = LeverData::generate(5, &sizes());
        let b = LeverData::generate(5, &sizes());
        assert_eq!(a.opportunities.len(), b.opportunities.len());
        assert!(a
            .opportunities
            .iter()
            .zip(&b.opportunities)
            .all(|(x, y)| x.id == y.id && x.updated_at == y.updated_at));
        assert!(a.opportunities.len() >= 220);
        assert!(a
            .opportunities
            .windows(2)
            .all(|w| w[0].created_at <= w[1].created_at));
        for o in &a.opportunities {
            assert!(o.stage < a.stages.len());
            assert_eq!(o.stage_changes.last().map(|s| s.to_stage), Some(o.stage));
            assert!(o.updated_at >= o.created_at);
            if let Some(app) = &o.application {
                assert!(app.posting < a.postings.len());
            }
        }
        assert!(a.opportunities.iter().any(|o| o.application.is_none()));
        assert!(a.opportunities.iter().any(|o| o
            .archived
            .is_some_and(|x| a.archive_reasons[x.reason].hired)));
        assert_eq!(a.stages[0].id, "lead-new");
        assert_eq!(a.stages[4].id.len(), 36, "custom stages have UUIDs");
    }

    #[test]
    fn contacts_are_shared_between_a_persons_opportunities() {
        let d = LeverData::generate(9, &sizes());
        let mut by_contact: HashMap<&str, Vec<&str>> = HashMap::new();
        for o in &d.opportunities {
            by_contact.entry(&o.contact).or_default().push(&o.emails[0]);
        }
        assert!(by_contact.values().any(|v| v.len() > 1));
        assert!(by_contact.values().all(|v| v.iter().all(|e| *e == v[0])));
    }
}
