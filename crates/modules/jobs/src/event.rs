//! Events: every job transition is one, with the job id first.

use crate::state::{Job, JobId, JobStatus, Replica};
use greenhour_devices::DeviceId;
use greenhour_primitives::{Address, Amount, Hash};
use greenhour_state::Event;

greenhour_framework::module_events! {
    /// Everything the jobs module announces. A job's status changes are the
    /// variants named after the status (`Open` … `Expired`), each with its buyer and why.
    pub enum JobsEvent in "jobs" {
        /// A job was posted and its funds escrowed.
        Open = "open" { job: JobId, buyer: Address, why: String },
        /// The block's batch placed the job: devices (comma-separated ids), start hour and cost.
        Matched = "matched" { job: JobId, buyer: Address, why: String, start_hour: u64, devices: String, cost: Amount },
        /// Its first hour began.
        Running = "running" { job: JobId, buyer: Address, why: String },
        /// Results are in; reveals, audits or the challenge window are pending.
        Verifying = "verifying" { job: JobId, buyer: Address, why: String },
        /// A result was accepted and providers were paid.
        Settled = "settled" { job: JobId, buyer: Address, why: String },
        /// No result could be accepted; the buyer was refunded.
        Failed = "failed" { job: JobId, buyer: Address, why: String },
        /// The buyer withdrew it before it was matched.
        Cancelled = "cancelled" { job: JobId, buyer: Address, why: String },
        /// It was not matched while its deadline could still be met.
        Expired = "expired" { job: JobId, buyer: Address, why: String },
        /// A WASM workload module was stored under its hash.
        WorkloadUploaded = "workload_uploaded" { hash: Hash, by: Address, bytes: usize },
        /// A redundant replica committed to its result with a bond.
        Committed = "committed" { job: JobId, device: DeviceId, bond: Amount },
        /// A replica revealed its output.
        Revealed = "revealed" { job: JobId, device: DeviceId, bond: Amount },
        /// A bond was slashed; `reward` of it went to whoever proved the fault.
        Slashed = "slashed" { job: JobId, who: Address, amount: Amount, reward: Amount, why: String },
        /// An optimistic result was challenged; `upheld` if the challenger was right.
        Challenged = "challenged" { job: JobId, challenger: Address, upheld: bool },
        /// A solver proposed a placement for this block's batch.
        Proposed = "proposed" { solver: Address, jobs: usize, green: u64, cost: Amount },
        /// The solver auction's outcome for a proposal against the chain's matcher.
        Auction = "auction" {
            solver: Address,
            proposal_green: u64,
            proposal_cost: Amount,
            matcher_green: u64,
            matcher_cost: Amount,
            outcome: String,
        },
        /// A provider (the position-NFT holder) was paid, net of the fee.
        Paid = "paid" { job: JobId, to: Address, amount: Amount, fee: Amount },
    }
}

greenhour_framework::event_value_for_id!(JobId);

fn devices_of(job: &Job) -> String {
    job.replicas.iter().map(|r| r.device.to_string()).collect::<Vec<_>>().join(",")
}

/// A job moved to `job.status`.
pub fn transition(job: &Job, why: &str) -> Event {
    let (job_id, buyer, why) = (job.id, job.buyer, why.to_string());
    let e = match job.status {
        JobStatus::Open => JobsEvent::Open { job: job_id, buyer, why },
        // The batch matcher announces matches with their cost (`matched`); any other
        // path to Matched carries no cost.
        JobStatus::Matched => JobsEvent::Matched {
            job: job_id,
            buyer,
            why,
            start_hour: job.start_hour.unwrap_or_default(),
            devices: devices_of(job),
            cost: 0,
        },
        JobStatus::Running => JobsEvent::Running { job: job_id, buyer, why },
        JobStatus::Verifying => JobsEvent::Verifying { job: job_id, buyer, why },
        JobStatus::Settled => JobsEvent::Settled { job: job_id, buyer, why },
        JobStatus::Failed => JobsEvent::Failed { job: job_id, buyer, why },
        JobStatus::Cancelled => JobsEvent::Cancelled { job: job_id, buyer, why },
        JobStatus::Expired => JobsEvent::Expired { job: job_id, buyer, why },
    };
    e.into()
}
pub fn uploaded(hash: &Hash, by: &Address, size: usize) -> Event {
    JobsEvent::WorkloadUploaded { hash: *hash, by: *by, bytes: size }.into()
}
pub fn matched(job: &Job, cost: Amount) -> Event {
    JobsEvent::Matched {
        job: job.id,
        buyer: job.buyer,
        why: "matched by the block's batch".into(),
        start_hour: job.start_hour.unwrap_or_default(),
        devices: devices_of(job),
        cost,
    }
    .into()
}
/// A replica's commitment (`revealed`: false) or reveal (`revealed`: true).
pub fn submitted(job: &Job, replica: &Replica, revealed: bool) -> Event {
    let (job, device, bond) = (job.id, replica.device, replica.bond);
    if revealed {
        JobsEvent::Revealed { job, device, bond }.into()
    } else {
        JobsEvent::Committed { job, device, bond }.into()
    }
}
pub fn slashed(job: &Job, who: &Address, amount: Amount, reward: Amount, why: &str) -> Event {
    JobsEvent::Slashed { job: job.id, who: *who, amount, reward, why: why.into() }.into()
}
pub fn challenged(job: &Job, challenger: &Address, upheld: bool) -> Event {
    JobsEvent::Challenged { job: job.id, challenger: *challenger, upheld }.into()
}
pub fn proposed(solver: &Address, jobs: usize, green: u64, cost: Amount) -> Event {
    JobsEvent::Proposed { solver: *solver, jobs, green, cost }.into()
}
pub fn auction(solver: &Address, proposal: (u64, Amount), matcher: (u64, Amount), outcome: &str) -> Event {
    JobsEvent::Auction {
        solver: *solver,
        proposal_green: proposal.0,
        proposal_cost: proposal.1,
        matcher_green: matcher.0,
        matcher_cost: matcher.1,
        outcome: outcome.into(),
    }
    .into()
}
pub fn paid(job: &Job, to: &Address, amount: Amount, fee: Amount) -> Event {
    JobsEvent::Paid { job: job.id, to: *to, amount, fee }.into()
}
