//! The device side: what an operator's machine does for the chain.
//!
//! Invariants:
//! - The worker only ever proposes actions for replicas the operator holds, and
//!   at most one of each kind per replica (a commitment before a reveal for
//!   redundant jobs; a reveal otherwise).
//! - Outputs are recomputed, never invented: after a restart the worker reruns
//!   the deterministic workload and reaches the same output and commitment.
//! - A workload that traps or runs out of fuel gets no submission (silence is
//!   unpaid; a wrong answer is slashed).

pub mod worker;

pub use worker::{Due, Worker};
