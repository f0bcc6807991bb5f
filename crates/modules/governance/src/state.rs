//! Proposals, deposits, votes, pauses, guardians and the upgrade plan, and the
//! only code that reads or writes governance keys.

use crate::action::ProposalMessage;
use crate::keys::{self, Queue};
use crate::{GovernanceError, GovernanceParams};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{Address, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// Where a proposal is in its life (Cosmos x/gov's statuses, plus the timelock,
/// execution and a deposit period that ran out).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Collecting deposits until the minimum is reached or the period ends.
    DepositPeriod,
    /// Open for votes until its voting period ends.
    VotingPeriod,
    /// The vote passed; its messages execute when the timelock ends.
    Passed,
    /// The vote failed (no quorum, or not enough yes); deposits were refunded.
    Rejected,
    /// More than the veto threshold voted no-with-veto; deposits were burned.
    Vetoed,
    /// Its messages executed, all of them.
    Executed,
    /// A message failed at execution; nothing of the proposal changed state.
    Failed,
    /// The deposit period ended below the minimum deposit; deposits were refunded.
    Dropped,
}

impl ProposalStatus {
    pub fn is_final(self) -> bool {
        !matches!(self, ProposalStatus::DepositPeriod | ProposalStatus::VotingPeriod | ProposalStatus::Passed)
    }
}

/// A vote option (Cosmos's four).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum VoteOption {
    Yes,
    Abstain,
    No,
    NoWithVeto,
}

/// One option of a (possibly split) vote and its share of the voter's power.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct WeightedOption {
    pub option: VoteOption,
    /// Share of the voter's power, bps; a vote's weights add up to 10,000.
    pub weight_bps: u32,
}

/// A voter's vote on one proposal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Vote {
    pub voter: Address,
    pub options: Vec<WeightedOption>,
}

/// Voting power per option, ughr of bonded GHR.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Tally {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub yes: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub abstain: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub no: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub no_with_veto: u128,
    /// All GHR bonded to active validators when it was counted (the quorum's base).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub bonded: u128,
}

impl Tally {
    pub fn voted(&self) -> u128 {
        self.yes + self.abstain + self.no + self.no_with_veto
    }
}

/// A proposal: typed messages checked at submission, executed together after
/// the vote and the timelock, or not at all.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Proposal {
    pub id: u64,
    pub proposer: Address,
    pub title: String,
    pub summary: String,
    /// Empty for a text (signalling) proposal.
    pub messages: Vec<ProposalMessage>,
    pub expedited: bool,
    pub status: ProposalStatus,
    pub submit_time: UnixSeconds,
    pub deposit_end: UnixSeconds,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub total_deposit: u128,
    pub voting_start: Option<UnixSeconds>,
    pub voting_end: Option<UnixSeconds>,
    /// The count when the vote closed.
    pub final_tally: Option<Tally>,
    /// When a passed proposal's messages execute (the end of its timelock).
    pub execute_at: Option<UnixSeconds>,
    /// Why execution failed, for a `Failed` proposal.
    pub failure: Option<String>,
}

/// Who paused a module, and until when; its actions are refused until then.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Pause {
    pub module: String,
    pub until: UnixSeconds,
    pub by: PausedBy,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PausedBy {
    Guardian(Address),
    Proposal(u64),
}

/// Accounts that may pause a module at once in an emergency, until `expires_at`
/// (a guardian set that outlives its purpose is a standing risk, so it expires).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct GuardianSet {
    pub members: Vec<Address>,
    pub expires_at: UnixSeconds,
}

/// A sale of community-pool GHR for gUSD that a passed proposal started.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Raise {
    pub id: u64,
    pub proposal: u64,
    pub purpose: String,
    /// GHR offered and sold so far, ughr.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub offered: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub sold: u128,
    /// gUSD paid into the community pool so far, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub raised: u128,
    /// ugusd per GHR at `starts` and at `ends` (linear in between).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub start_price: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub end_price: u128,
    pub starts: UnixSeconds,
    pub ends: UnixSeconds,
    /// False once ended: the unsold GHR went back to the pool.
    pub open: bool,
}

/// A software upgrade: at `height` every node stops before executing the block
/// and says which release to run (Cosmos x/upgrade's plan).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct UpgradePlan {
    pub name: String,
    pub height: u64,
    pub info: String,
    pub proposal: u64,
}

pub fn params(state: &impl StateRead) -> Result<GovernanceParams, GovernanceError> {
    state.get(&keys::params())?.ok_or_else(|| GovernanceError::Corrupt("parameters missing".into()))
}

pub fn proposal(state: &impl StateRead, id: u64) -> Result<Proposal, GovernanceError> {
    state.get(&keys::proposal(id))?.ok_or(GovernanceError::UnknownProposal(id))
}

pub(crate) fn put_proposal(state: &mut impl StateWrite, p: &Proposal) {
    state.put(&keys::proposal(p.id), p);
}

/// Proposals from `from_id` on, in id order, at most `limit`.
pub fn proposals(state: &impl StateRead, from_id: u64, limit: usize) -> Result<Vec<Proposal>, GovernanceError> {
    let from = format!("{}{from_id:020}", keys::PROPOSAL_PREFIX);
    state
        .scan_raw(keys::PROPOSAL_PREFIX.as_bytes(), from.as_bytes(), limit)?
        .into_iter()
        .map(|(k, v)| {
            greenhour_codec::decode::<Proposal>(&v)
                .map_err(|e| GovernanceError::Corrupt(format!("{}: {e}", String::from_utf8_lossy(&k))))
        })
        .collect()
}

pub(crate) fn next_proposal_id(state: &mut impl StateWrite) -> Result<u64, GovernanceError> {
    let id = state.get(&keys::next_proposal())?.unwrap_or(1);
    state.put(&keys::next_proposal(), &(id + 1));
    Ok(id)
}

pub fn deposit(state: &impl StateRead, id: u64, depositor: &Address) -> Result<u128, GovernanceError> {
    Ok(state.get(&keys::deposit(id, depositor))?.unwrap_or(0))
}

/// Every deposit on a proposal as `(depositor, ughr)`, in address order.
pub fn deposits(state: &impl StateRead, id: u64) -> Result<Vec<(Address, u128)>, GovernanceError> {
    state
        .prefix::<u128>(&keys::deposits_prefix(id))?
        .into_iter()
        .map(|(k, amount)| Ok((address_at_end(&k)?, amount)))
        .collect()
}

pub(crate) fn set_deposit(state: &mut impl StateWrite, id: u64, depositor: &Address, amount: u128) {
    if amount == 0 {
        state.delete(&keys::deposit(id, depositor));
    } else {
        state.put(&keys::deposit(id, depositor), &amount);
    }
}

/// Every vote on a proposal, in voter address order.
pub fn votes(state: &impl StateRead, id: u64) -> Result<Vec<Vote>, GovernanceError> {
    Ok(state.prefix::<Vote>(&keys::votes_prefix(id))?.into_iter().map(|(_, v)| v).collect())
}

pub(crate) fn put_vote(state: &mut impl StateWrite, id: u64, vote: &Vote) {
    state.put(&keys::vote(id, &vote.voter), vote);
}

pub(crate) fn enqueue(state: &mut impl StateWrite, queue: Queue, at: UnixSeconds, id: u64) {
    state.put(&keys::queued(queue, at, id), &());
}

pub(crate) fn dequeue(state: &mut impl StateWrite, queue: Queue, at: UnixSeconds, id: u64) {
    state.delete(&keys::queued(queue, at, id));
}

/// The first `limit` entries of a queue due at or before `now`, as `(at, id)`.
pub(crate) fn due(
    state: &impl StateRead,
    queue: Queue,
    now: UnixSeconds,
    limit: usize,
) -> Result<Vec<(UnixSeconds, u64)>, GovernanceError> {
    let mut out = Vec::new();
    for (k, _) in state.scan_raw(queue.prefix().as_bytes(), b"", limit)? {
        let text = String::from_utf8_lossy(&k[queue.prefix().len()..]).into_owned();
        let (at, id) = text
            .split_once('/')
            .and_then(|(a, i)| Some((a.parse::<u64>().ok()?, i.parse::<u64>().ok()?)))
            .ok_or_else(|| GovernanceError::Corrupt(format!("queue key {text}")))?;
        if at > now {
            break;
        }
        out.push((at, id));
    }
    Ok(out)
}

/// Every entry of a queue, as `(at, id)` (invariant checks).
pub(crate) fn queue_entries(state: &impl StateRead, queue: Queue) -> Result<Vec<(UnixSeconds, u64)>, GovernanceError> {
    due(state, queue, u64::MAX, usize::MAX)
}

/// The pause on `module` still in force at `now`, if any.
pub fn pause(state: &impl StateRead, module: &str, now: UnixSeconds) -> Result<Option<Pause>, GovernanceError> {
    Ok(state.get(&keys::paused(module))?.filter(|p| p.until > now))
}

/// Every pause in force at `now`.
pub fn pauses(state: &impl StateRead, now: UnixSeconds) -> Result<Vec<Pause>, GovernanceError> {
    Ok(state.prefix::<Pause>(keys::PAUSED_PREFIX)?.into_iter().map(|(_, p)| p).filter(|p| p.until > now).collect())
}

pub(crate) fn put_pause(state: &mut impl StateWrite, pause: &Pause) {
    state.put(&keys::paused(&pause.module), pause);
}

pub(crate) fn lift_pause(state: &mut impl StateWrite, module: &str) {
    state.delete(&keys::paused(module));
}

pub fn guardians(state: &impl StateRead) -> Result<GuardianSet, GovernanceError> {
    Ok(state.get(&keys::guardians())?.unwrap_or_default())
}

pub(crate) fn put_guardians(state: &mut impl StateWrite, set: &GuardianSet) {
    state.put(&keys::guardians(), set);
}

pub fn upgrade_plan(state: &impl StateRead) -> Result<Option<UpgradePlan>, GovernanceError> {
    Ok(state.get(&keys::upgrade())?)
}

pub(crate) fn set_upgrade_plan(state: &mut impl StateWrite, plan: Option<&UpgradePlan>) {
    match plan {
        Some(p) => state.put(&keys::upgrade(), p),
        None => state.delete(&keys::upgrade()),
    }
}

pub fn raise(state: &impl StateRead, id: u64) -> Result<Raise, GovernanceError> {
    state.get(&keys::raise(id))?.ok_or(GovernanceError::UnknownRaise(id))
}

/// Every sale, in id order.
pub fn raises(state: &impl StateRead) -> Result<Vec<Raise>, GovernanceError> {
    Ok(state.prefix::<Raise>(keys::RAISE_PREFIX)?.into_iter().map(|(_, r)| r).collect())
}

pub(crate) fn put_raise(state: &mut impl StateWrite, r: &Raise) {
    state.put(&keys::raise(r.id), r);
}

pub(crate) fn next_raise_id(state: &mut impl StateWrite) -> Result<u64, GovernanceError> {
    let id = state.get(&keys::next_raise())?.unwrap_or(1);
    state.put(&keys::next_raise(), &(id + 1));
    Ok(id)
}

fn address_at_end(key: &str) -> Result<Address, GovernanceError> {
    key.rsplit('/')
        .next()
        .and_then(Address::from_key_hex)
        .ok_or_else(|| GovernanceError::Corrupt(format!("key {key} does not end in an address")))
}
