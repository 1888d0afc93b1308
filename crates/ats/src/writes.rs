//! The writes writeback and export need, in vendor-neutral form. `actor` is
//! the ATS user the write is made on behalf of (Greenhouse `On-Behalf-Of`
//! user id, Lever `perform_as` user id, Workday worker id).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteWrite {
    pub candidate_id: String,
    pub application_id: Option<String>,
    pub body: String,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileWrite {
    pub candidate_id: String,
    pub application_id: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageMove {
    pub candidate_id: String,
    pub application_id: String,
    /// Greenhouse requires the stage the application is in now.
    pub from_stage_id: Option<String>,
    pub to_stage_id: String,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCandidate {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    /// Greenhouse job ids / Lever posting ids. `create_candidate` needs
    /// exactly one; `create_prospect` takes zero or more.
    pub job_ids: Vec<String>,
    /// Source tag, e.g. "Reqlink".
    pub source: String,
    pub actor: String,
}

/// What the vendor says it created. Greenhouse may answer a create with ids
/// only, so nothing beyond ids is promised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub candidate_id: String,
    pub application_ids: Vec<String>,
}

/// A person the ATS already holds, found by e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The same kind of id [`Created::candidate_id`] carries (Greenhouse
    /// candidate id, Lever contact id).
    pub candidate_id: String,
    /// The source tags on the person (Greenhouse tags, the sources of Lever
    /// opportunities), to tell a person an export made from one who was
    /// there before.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The vendor's id of the note or attachment, when it returns one.
    pub id: Option<String>,
}

/// What is on a candidate already: note bodies, attachment file names and
/// the application's current stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footprint {
    pub notes: Vec<String>,
    pub files: Vec<String>,
    pub stage_id: Option<String>,
}
