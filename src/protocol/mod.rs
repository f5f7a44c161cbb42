//! What client and server say to each other, and nothing of how either is built: the request,
//! response and query types of every route, one file per area, and `Problem`, the body of every
//! error; the plaintext documents a device writes and reads (`report`, `message`); and the
//! device-side operations on them as pure functions (`grants`, `case`, `referral`, `identity`),
//! each with shared vectors in `tests/vectors/` that the TypeScript twins in `web/src/` pass too.
//! Both `server::routes` and `client` take their types from here, so a second client needs only
//! this layer and `crypto` (decision 0004). No web framework, database, HTTP client or runtime may
//! be named here: `tests/suite/architecture.rs` fails if one is.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod case;
pub mod cases;
pub mod challenge;
pub mod desks;
pub mod evidence;
pub mod followup;
pub mod grants;
pub mod health;
pub mod identity;
pub mod indicators;
pub mod keys;
pub mod links;
pub mod message;
pub mod partner;
pub mod problem;
pub mod referral;
pub mod referrals;
pub mod report;
pub mod reports;
pub mod retention;
pub mod search;
pub mod statements;
pub mod stats;
