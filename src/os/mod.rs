//! What the operating system is asked for, at the bottom of the house: private files and process
//! hardening. Every layer may use it; it uses nothing of the crate.

pub mod files;
pub mod hardening;
