//! The only place governance keys are spelled. Ids and times are zero-padded
//! so key order is numeric order; addresses are lower-case hex.

use crate::state::{GuardianSet, Pause, Proposal, Raise, UpgradePlan, Vote};
use crate::GovernanceParams;
use greenhour_primitives::{Address, UnixSeconds};
use greenhour_state::Key;

pub const PROPOSAL_PREFIX: &str = "governance/proposal/";
pub const PAUSED_PREFIX: &str = "governance/paused/";
pub const RAISE_PREFIX: &str = "governance/raise/";

pub fn params() -> Key<GovernanceParams> {
    Key::new("governance/params")
}
pub fn next_proposal() -> Key<u64> {
    Key::new("governance/next-proposal")
}
pub fn proposal(id: u64) -> Key<Proposal> {
    Key::new(format!("{PROPOSAL_PREFIX}{id:020}"))
}
/// A depositor's escrowed deposit on a proposal, ughr.
pub fn deposit(id: u64, depositor: &Address) -> Key<u128> {
    Key::new(format!("{}{}", deposits_prefix(id), depositor.to_key_hex()))
}
pub fn deposits_prefix(id: u64) -> String {
    format!("governance/deposit/{id:020}/")
}
/// A voter's vote on a proposal (the last one cast counts).
pub fn vote(id: u64, voter: &Address) -> Key<Vote> {
    Key::new(format!("{}{}", votes_prefix(id), voter.to_key_hex()))
}
pub fn votes_prefix(id: u64) -> String {
    format!("governance/vote/{id:020}/")
}

/// The three queues end-of-block work reads from the front: proposals whose
/// deposit period, voting period or timelock ends at `at` (value: unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queue {
    DepositEnds,
    VotingEnds,
    Executes,
    /// Sales that end at `at` (the id is the sale's).
    RaiseEnds,
}

impl Queue {
    pub fn prefix(self) -> &'static str {
        match self {
            Queue::DepositEnds => "governance/queue/deposit/",
            Queue::VotingEnds => "governance/queue/voting/",
            Queue::Executes => "governance/queue/execute/",
            Queue::RaiseEnds => "governance/queue/raise/",
        }
    }
}

pub fn queued(queue: Queue, at: UnixSeconds, id: u64) -> Key<()> {
    Key::new(format!("{}{at:020}/{id:020}", queue.prefix()))
}
/// A module's actions refused until the pause ends.
pub fn paused(module: &str) -> Key<Pause> {
    Key::new(format!("{PAUSED_PREFIX}{module}"))
}
pub fn guardians() -> Key<GuardianSet> {
    Key::new("governance/guardians")
}
pub fn upgrade() -> Key<UpgradePlan> {
    Key::new("governance/upgrade")
}
pub fn raise(id: u64) -> Key<Raise> {
    Key::new(format!("{RAISE_PREFIX}{id:020}"))
}
pub fn next_raise() -> Key<u64> {
    Key::new("governance/next-raise")
}
