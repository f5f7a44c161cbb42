//! Resguardo: a zero-knowledge reporting service for victims of extortion.
//!
//! The server stores only age ciphertext (see `SECURITY.md`). Modules are named for what they own:
//! `domain` holds the types that cannot exist unless valid, `crypto` the derivations every client must
//! reproduce byte for byte (`docs/protocol.md`), `protocol` the wire types client and server share,
//! `store` the two database backends, `blobs` where attachments' ciphertext is kept, `server` the
//! HTTP API,
//! `client` the API client shared by the command-line roles, `cli` the subcommands, `texts` the
//! words reporters read (pages and command line), and `os` the private files and process hardening
//! every layer may use.

pub mod blobs;
pub mod cli;
pub mod client;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod os;
pub mod protocol;
pub mod retention;
pub mod server;
pub mod store;
pub mod texts;
pub mod time;
