//! Workday Recruiting client for Reqlink.
//!
//! - [`isu_tokens`]: access tokens for the Integration System User from the
//!   tenant's token endpoint (refresh-token grant, HTTP Basic client
//!   credentials), on the shared `reqlink_oauth::RefreshingTokens`.
//! - [`WorkdayClient`]: bearer-authenticated REST over
//!   `/ccx/api/recruiting/v4/{tenant}` with `limit`/`offset` paging, a
//!   client-side limiter, `Retry-After` on 429, 5xx retries for reads only,
//!   and one refresh-and-retry on 401 before reporting
//!   [`reqlink_ats::AtsError::NeedsReconnect`].
//! - [`WorkdayConnector`]: the [`reqlink_ats::AtsConnector`] over it (users =
//!   workers, jobs = requisitions, candidates, job applications, recruiting
//!   stages; notes, attachments and stage moves on behalf of a worker).
//!
//! Only some paths are confirmed by public client code; all of them are in
//! [`paths`] so they can be corrected in one place.

mod client;
mod connector;
mod isu;
pub mod model;
pub mod paths;

pub use client::{WdList, WorkdayClient, WorkdayOptions, MAX_LIMIT};
pub use connector::WorkdayConnector;
pub use isu::{isu_tokens, token_endpoint};
