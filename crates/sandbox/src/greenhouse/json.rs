//! Harvest v1 JSON shapes for the low-volume records (jobs, stages, users),
//! rendered from the model on demand. Candidates and applications are
//! written by hand in `render` for speed.
//!
//! Views borrow from `Data` instead of being stored pre-rendered: embedded
//! names (job name in an application, stage names) are looked up at render
//! time, so an edit such as `rename_job` is visible everywhere at once.
//! Field sets follow the Harvest docs, including the fields the console does
//! not read, so that clients are tested against realistic payloads.

use serde::{Serialize, Serializer};

use crate::clock::write_iso_ms;
use crate::data::{Data, Job, Stage, User};

/// A unix-millisecond timestamp rendered as `2026-03-04T17:12:03.123Z`.
#[derive(Clone, Copy)]
struct Ts(i64);

impl Serialize for Ts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = String::with_capacity(24);
        write_iso_ms(&mut buf, self.0);
        s.serialize_str(&buf)
    }
}

fn ts(ms: i64) -> Ts {
    Ts(ms)
}

fn ots(ms: Option<i64>) -> Option<Ts> {
    ms.map(Ts)
}

/// `[]`
type None0 = [(); 0];
const NONE: None0 = [];

#[derive(Serialize)]
struct UserRef<'a> {
    id: u64,
    first_name: &'a str,
    last_name: &'a str,
    name: String,
    employee_id: &'a str,
}

fn user_ref(d: &Data, idx: u32) -> Option<UserRef<'_>> {
    d.users.get(idx as usize).map(|u| UserRef {
        id: u.id,
        first_name: u.first_name,
        last_name: u.last_name,
        name: format!("{} {}", u.first_name, u.last_name),
        employee_id: &u.employee_id,
    })
}

#[derive(Serialize)]
struct HiringTeamMember<'a> {
    #[serde(flatten)]
    user: UserRef<'a>,
    responsible: bool,
}

#[derive(Serialize)]
struct HiringTeam<'a> {
    hiring_managers: Vec<HiringTeamMember<'a>>,
    recruiters: Vec<HiringTeamMember<'a>>,
    coordinators: Vec<HiringTeamMember<'a>>,
    sourcers: None0,
}

#[derive(Serialize)]
struct DepartmentJson<'a> {
    id: u64,
    name: &'a str,
    parent_id: Option<u64>,
    parent_department_external_id: Option<&'a str>,
    child_ids: None0,
    child_department_external_ids: None0,
    external_id: Option<&'a str>,
}

#[derive(Serialize)]
struct LocationJson<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct OfficeJson<'a> {
    id: u64,
    name: &'a str,
    location: LocationJson<'a>,
    primary_contact_user_id: Option<u64>,
    parent_id: Option<u64>,
    parent_office_external_id: Option<&'a str>,
    child_ids: None0,
    child_office_external_ids: None0,
    external_id: Option<&'a str>,
}

#[derive(Serialize)]
struct OpeningJson<'a> {
    id: u64,
    opening_id: &'a str,
    status: &'static str,
    opened_at: Ts,
    closed_at: Option<Ts>,
    application_id: Option<u64>,
    close_reason: Option<CloseReason>,
}

#[derive(Serialize)]
struct CloseReason {
    id: u64,
    name: &'static str,
}

#[derive(Serialize)]
struct EmploymentType<'a> {
    employment_type: &'a str,
}

#[derive(Serialize)]
struct KeyedField<'a> {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'a str,
}

#[derive(Serialize)]
struct KeyedEmploymentType<'a> {
    employment_type: KeyedField<'a>,
}

#[derive(Serialize)]
struct JobJson<'a> {
    id: u64,
    name: &'a str,
    requisition_id: &'a str,
    notes: Option<&'a str>,
    confidential: bool,
    is_template: bool,
    copied_from_id: Option<u64>,
    status: &'static str,
    created_at: Ts,
    opened_at: Option<Ts>,
    closed_at: Option<Ts>,
    updated_at: Ts,
    departments: [DepartmentJson<'a>; 1],
    offices: [OfficeJson<'a>; 1],
    hiring_team: HiringTeam<'a>,
    openings: Vec<OpeningJson<'a>>,
    custom_fields: EmploymentType<'a>,
    keyed_custom_fields: KeyedEmploymentType<'a>,
}

pub(crate) struct JobView<'a>(pub &'a Data, pub &'a Job);

impl Serialize for JobView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (d, j) = (self.0, self.1);
        let dept = &d.departments[j.department as usize];
        let office = &d.offices[j.office as usize];
        let members = |idxs: &[u32], responsible: bool| -> Vec<HiringTeamMember<'_>> {
            idxs.iter()
                .filter_map(|&u| user_ref(d, u))
                .map(|user| HiringTeamMember { user, responsible })
                .collect()
        };
        JobJson {
            id: j.id,
            name: &j.name,
            requisition_id: &j.requisition_id,
            notes: None,
            confidential: false,
            is_template: false,
            copied_from_id: None,
            status: j.status.as_str(),
            created_at: ts(j.created_at),
            opened_at: ots(j.opened_at),
            closed_at: ots(j.closed_at),
            updated_at: ts(j.updated_at),
            departments: [DepartmentJson {
                id: dept.id,
                name: dept.name,
                parent_id: None,
                parent_department_external_id: None,
                child_ids: NONE,
                child_department_external_ids: NONE,
                external_id: None,
            }],
            offices: [OfficeJson {
                id: office.id,
                name: office.name,
                location: LocationJson {
                    name: office.location,
                },
                primary_contact_user_id: None,
                parent_id: None,
                parent_office_external_id: None,
                child_ids: NONE,
                child_office_external_ids: NONE,
                external_id: None,
            }],
            hiring_team: HiringTeam {
                hiring_managers: members(&j.hiring_managers, false),
                recruiters: members(&j.recruiters, true),
                coordinators: members(&j.coordinators, true),
                sourcers: NONE,
            },
            openings: j
                .openings
                .iter()
                .map(|o| OpeningJson {
                    id: o.id,
                    opening_id: &o.opening_id,
                    status: if o.open { "open" } else { "closed" },
                    opened_at: ts(o.opened_at),
                    closed_at: ots(o.closed_at),
                    application_id: None,
                    close_reason: (!o.open).then_some(CloseReason {
                        id: 4_005_000_001,
                        name: "Hire - New Headcount",
                    }),
                })
                .collect(),
            custom_fields: EmploymentType {
                employment_type: j.employment_type,
            },
            keyed_custom_fields: KeyedEmploymentType {
                employment_type: KeyedField {
                    name: "Employment Type",
                    kind: "single_select",
                    value: j.employment_type,
                },
            },
        }
        .serialize(s)
    }
}

#[derive(Serialize)]
struct InterviewKit {
    id: u64,
    content: &'static str,
    questions: None0,
}

#[derive(Serialize)]
struct InterviewJson<'a> {
    id: u64,
    name: &'a str,
    schedulable: bool,
    estimated_minutes: u32,
    default_interviewer_users: Vec<UserRef<'a>>,
    interview_kit: InterviewKit,
}

#[derive(Serialize)]
struct StageJson<'a> {
    id: u64,
    name: &'a str,
    created_at: Ts,
    updated_at: Ts,
    job_id: u64,
    priority: u32,
    active: bool,
    interviews: Vec<InterviewJson<'a>>,
}

pub(crate) struct StageView<'a>(pub &'a Data, pub &'a Job, pub &'a Stage);

impl Serialize for StageView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (d, j, st) = (self.0, self.1, self.2);
        StageJson {
            id: st.id,
            name: st.name,
            created_at: ts(st.created_at),
            updated_at: ts(st.updated_at),
            job_id: j.id,
            priority: st.priority,
            active: st.active,
            interviews: st
                .interviews
                .iter()
                .map(|i| InterviewJson {
                    id: i.id,
                    name: i.name,
                    schedulable: i.schedulable,
                    estimated_minutes: i.minutes,
                    default_interviewer_users: i
                        .interviewers
                        .iter()
                        .filter_map(|&u| user_ref(d, u))
                        .collect(),
                    interview_kit: InterviewKit {
                        id: i.kit_id,
                        content: "<p>Use the scorecard attributes to guide the conversation.</p>",
                        questions: NONE,
                    },
                })
                .collect(),
        }
        .serialize(s)
    }
}

#[derive(Serialize)]
struct UserJson<'a> {
    id: u64,
    name: String,
    first_name: &'a str,
    last_name: &'a str,
    primary_email_address: &'a str,
    updated_at: Ts,
    created_at: Ts,
    disabled: bool,
    site_admin: bool,
    emails: [&'a str; 1],
    employee_id: &'a str,
    linked_candidate_ids: None0,
    offices: None0,
    departments: None0,
}

pub(crate) struct UserView<'a>(pub &'a User);

impl Serialize for UserView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let u = self.0;
        UserJson {
            id: u.id,
            name: format!("{} {}", u.first_name, u.last_name),
            first_name: u.first_name,
            last_name: u.last_name,
            primary_email_address: &u.email,
            updated_at: ts(u.updated_at),
            created_at: ts(u.created_at),
            disabled: u.disabled,
            site_admin: u.site_admin,
            emails: [&u.email],
            employee_id: &u.employee_id,
            linked_candidate_ids: NONE,
            offices: NONE,
            departments: NONE,
        }
        .serialize(s)
    }
}
