//! The cryptography every Resguardo client must reproduce byte for byte (`docs/protocol.md`), and
//! the structural checks the server makes on ciphertext it can never read.

pub mod at_rest;
pub mod attachment;
pub mod case_seal;
pub mod chain;
pub mod checkpoint;
pub mod ciphertext;
pub mod keys;
pub mod padding;
pub mod password;
pub mod pow;
pub mod receipt;
pub mod seal;
pub mod signing;
pub mod statement;
pub mod totp;
pub mod webhook;

pub use ciphertext::{AgeCiphertext, CiphertextError, CiphertextLimits};
