//! `light`: verification a device can do alone.
//!
//! - [`Header`]: what every node agrees on about a block; its hash chains blocks.
//! - [`ValidatorSet`] and [`Vote`]: the PoGCS set that signs an epoch (the staking
//!   module computes it) and the bytes validators sign.
//! - [`CommitCertificate`]: precommit signatures for one block hash.
//! - [`LightClient`]: from a trusted header and the set it announced, accepts the
//!   next header only if it extends the trusted one, is signed by the announced
//!   set with more than two thirds of its power, and (when the set changes) comes
//!   with the set whose hash the header announces.
//! - [`verify_proof`]: a JMT inclusion or exclusion proof against an app hash.
//!
//! Invariants: a header is accepted only after its parent; a signer counts once
//! and only if it is in the set; the quorum is strictly more than 2/3 of the
//! set's total power (integer arithmetic: `3 · signed > 2 · total`).

mod certificate;
mod client;
mod header;
mod proof;

pub use certificate::{CommitCertificate, CommitSignature, SetMember, SignedVote, ValidatorSet, Vote, VoteKind};
pub use client::{LightClient, Trusted};
pub use header::Header;
pub use proof::verify_proof;

/// Everything light verification can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LightError {
    /// Returned when a header does not follow the trusted one (chain, height or parent hash).
    #[error("header {height} does not extend the trusted header: {why}")]
    NotNext { height: u64, why: String },
    /// Returned when a header's `validators_hash` is not the set the trusted header announced.
    #[error("header {height} is signed by set {got}, the trusted header announced {expected}")]
    WrongSigners { height: u64, expected: greenhour_primitives::Hash, got: greenhour_primitives::Hash },
    /// Returned when a certificate is for another height or block.
    #[error("the certificate is for height {height} block {block}, not this header")]
    CertificateMismatch { height: u64, block: greenhour_primitives::Hash },
    /// Returned when signatures carry at most two thirds of the power.
    #[error("signed power {signed} of {total} is not more than two thirds")]
    NoQuorum { signed: u128, total: u128 },
    /// Returned when a signature does not verify, or a signer is not in the set or signs twice.
    #[error("bad commit signature: {0}")]
    BadSignature(String),
    /// Returned when a header changes the set without the announced set, or with another one.
    #[error("validator set change at height {height}: {why}")]
    ForgedSetChange { height: u64, why: String },
    /// Returned when a state proof does not verify against the root.
    #[error("state proof: {0}")]
    Proof(String),
}
