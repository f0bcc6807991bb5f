use crate::state::{Assignment, JobId, JobSpec};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::DeviceId;
use greenhour_primitives::Hash;
use serde::{Deserialize, Serialize};

/// What users and device operators may ask of the jobs module.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobsAction {
    /// Stores a WASM module under its sha256, after checking it is a valid
    /// workload (deterministic profile, the workload exports, size limit).
    UploadWorkload { wasm: Vec<u8> },
    /// Posts a demand contract and escrows its funds (the market budget and the
    /// incentive) from the signer.
    Post { spec: JobSpec },
    /// The buyer withdraws a job that is still open; everything is refunded.
    Cancel { job: JobId },
    /// A `Redundant` replica commits to its result with a bond:
    /// `commitment = sha256("greenhour/job-result" ‖ job ‖ device ‖ sha256(output))`.
    Commit { job: JobId, device: DeviceId, commitment: Hash },
    /// A replica reveals its output (after committing, for `Redundant`; with its
    /// bond, for the others).
    Reveal { job: JobId, device: DeviceId, output: Vec<u8> },
    /// Disputes an `Optimistic` result with a bond; the chain re-executes the
    /// workload at once and slashes whoever was wrong.
    Challenge { job: JobId },
    /// A solver's placement of open jobs for this block's batch (the solver
    /// auction): kept if feasible and better than the block's best so far, and
    /// carried out at the block's end if it beats the chain's own matcher on
    /// the same jobs.
    Propose { assignments: Vec<Assignment> },
}
