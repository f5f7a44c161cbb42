//! Process hardening at start: no core dumps and no ptrace by other processes of the same user,
//! either of which would expose keys and request bodies held in memory.

use rustix::process::{set_dumpable_behavior, setrlimit, DumpableBehavior, Resource, Rlimit};

/// Disables core dumps (`RLIMIT_CORE=0`) and marks the process non-dumpable (`PR_SET_DUMPABLE=0`).
/// Best effort: a failure is logged, not fatal (the systemd unit sets `LimitCORE=0` as well).
pub fn harden_process() {
    let no_core = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    if setrlimit(Resource::Core, no_core).is_err() {
        tracing::warn!("could not disable core dumps");
    }
    if set_dumpable_behavior(DumpableBehavior::NotDumpable).is_err() {
        tracing::warn!("could not mark the process non-dumpable");
    }
}
