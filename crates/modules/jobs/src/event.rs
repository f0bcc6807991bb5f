//! Events: every job transition is one, with the job id first.

use crate::state::{Job, JobStatus, Replica};
use greenhour_primitives::{Address, Amount, Hash};
use greenhour_state::Event;

fn status_name(s: JobStatus) -> &'static str {
    match s {
        JobStatus::Open => "open",
        JobStatus::Matched => "matched",
        JobStatus::Running => "running",
        JobStatus::Verifying => "verifying",
        JobStatus::Settled => "settled",
        JobStatus::Failed => "failed",
        JobStatus::Cancelled => "cancelled",
        JobStatus::Expired => "expired",
    }
}

/// A job moved to `job.status`.
pub fn transition(job: &Job, why: &str) -> Event {
    Event::new(format!("jobs.{}", status_name(job.status)))
        .attr("job", job.id)
        .attr("buyer", job.buyer)
        .attr("why", why)
}
pub fn uploaded(hash: &Hash, by: &Address, size: usize) -> Event {
    Event::new("jobs.workload_uploaded").attr("hash", hash).attr("by", by).attr("bytes", size)
}
pub fn matched(job: &Job, cost: Amount) -> Event {
    let devices: Vec<String> = job.replicas.iter().map(|r| r.device.to_string()).collect();
    transition(job, "matched by the block's batch")
        .attr("start_hour", job.start_hour.unwrap_or_default())
        .attr("devices", devices.join(","))
        .attr("cost", cost)
}
pub fn submitted(job: &Job, replica: &Replica, what: &str) -> Event {
    Event::new(format!("jobs.{what}")).attr("job", job.id).attr("device", replica.device).attr("bond", replica.bond)
}
pub fn slashed(job: &Job, who: &Address, amount: Amount, reward: Amount, why: &str) -> Event {
    Event::new("jobs.slashed")
        .attr("job", job.id)
        .attr("who", who)
        .attr("amount", amount)
        .attr("reward", reward)
        .attr("why", why)
}
pub fn challenged(job: &Job, challenger: &Address, upheld: bool) -> Event {
    Event::new("jobs.challenged").attr("job", job.id).attr("challenger", challenger).attr("upheld", upheld)
}
pub fn proposed(solver: &Address, jobs: usize, green: u64, cost: Amount) -> Event {
    Event::new("jobs.proposed").attr("solver", solver).attr("jobs", jobs).attr("green", green).attr("cost", cost)
}
pub fn auction(solver: &Address, proposal: (u64, Amount), matcher: (u64, Amount), outcome: &str) -> Event {
    Event::new("jobs.auction")
        .attr("solver", solver)
        .attr("proposal_green", proposal.0)
        .attr("proposal_cost", proposal.1)
        .attr("matcher_green", matcher.0)
        .attr("matcher_cost", matcher.1)
        .attr("outcome", outcome)
}
pub fn paid(job: &Job, to: &Address, amount: Amount, fee: Amount) -> Event {
    Event::new("jobs.paid").attr("job", job.id).attr("to", to).attr("amount", amount).attr("fee", fee)
}
