//! Types that cross the IPC boundary, declared once here. The UI's
//! `ui/src/bindings.ts` is generated from them (see `reqlink-app`'s
//! `bindings` module) and a test fails when the committed copy drifts.
//!
//! ATS ids travel as strings: Greenhouse ids exceed 2^53 in practice and
//! JavaScript numbers would silently lose precision.

pub mod bindings;
mod commands;
mod connect;
mod error;
mod ipc;
mod pipeline;
mod records;

pub use connect::*;
pub use error::{ApiError, ErrorCode};
pub use ipc::*;
pub use pipeline::*;
pub use records::*;
