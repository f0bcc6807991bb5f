//! The governance module's reads: proposals with their live count, votes,
//! deposits, and the module's state (parameters, community pool, guardians,
//! pauses, the scheduled upgrade).

use crate::handler::{self, community_pool};
use crate::state::{self, GuardianSet, Pause, Proposal, ProposalStatus, Raise, Tally, UpgradePlan, Vote};
use crate::{GovernanceError, GovernanceParams};
use greenhour_bank::api as bank;
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, Coin, UnixSeconds};
use serde::{Deserialize, Serialize};

/// A proposal with its deposits and, while the vote is open, the count so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub proposal: Proposal,
    /// `(depositor, ughr)` still in escrow.
    pub deposits: Vec<DepositView>,
    /// The count now, while the vote is open (the final one is on the proposal).
    pub current_tally: Option<Tally>,
    pub votes: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositView {
    pub depositor: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub amount: u128,
}

/// The module's state: its rules, the community pool, guardians, pauses in
/// force and the scheduled upgrade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernanceView {
    pub params: GovernanceParams,
    pub community_pool: Vec<Coin>,
    pub guardians: GuardianSet,
    pub pauses: Vec<Pause>,
    pub upgrade: Option<UpgradePlan>,
}

/// A sale with its price now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaiseView {
    pub raise: Raise,
    /// ugusd per GHR now (the end price once the sale ended).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price_now: u128,
}

/// Every sale, newest first, at most 1,000.
pub fn raises(state: &impl StateRead, now: UnixSeconds) -> Result<Vec<RaiseView>, GovernanceError> {
    let mut all = state::raises(state)?;
    all.reverse();
    all.truncate(MAX_LIST);
    Ok(all.into_iter().map(|raise| RaiseView { price_now: handler::raise_price(&raise, now), raise }).collect())
}

pub fn proposal(state: &impl StateRead, id: u64) -> Result<ProposalView, GovernanceError> {
    let proposal = state::proposal(state, id)?;
    let current_tally =
        (proposal.status == ProposalStatus::VotingPeriod).then(|| handler::count(state, id)).transpose()?;
    Ok(ProposalView {
        deposits: state::deposits(state, id)?
            .into_iter()
            .map(|(depositor, amount)| DepositView { depositor, amount })
            .collect(),
        current_tally,
        votes: state::votes(state, id)?.len(),
        proposal,
    })
}

/// Proposals from `from` on (id order), optionally of one status, at most 1,000.
pub fn proposals(state: &impl StateRead, status: Option<&str>, from: u64) -> Result<Vec<Proposal>, GovernanceError> {
    let wanted = status.map(parse_status).transpose()?;
    let mut out = Vec::new();
    let mut cursor = from;
    loop {
        let page = state::proposals(state, cursor, MAX_LIST)?;
        let Some(last) = page.last().map(|p| p.id) else { break };
        out.extend(page.into_iter().filter(|p| wanted.is_none_or(|s| p.status == s)));
        if out.len() >= MAX_LIST {
            out.truncate(MAX_LIST);
            break;
        }
        cursor = last + 1;
    }
    Ok(out)
}

fn parse_status(s: &str) -> Result<ProposalStatus, GovernanceError> {
    Ok(match s {
        "deposit_period" => ProposalStatus::DepositPeriod,
        "voting_period" => ProposalStatus::VotingPeriod,
        "passed" => ProposalStatus::Passed,
        "rejected" => ProposalStatus::Rejected,
        "vetoed" => ProposalStatus::Vetoed,
        "executed" => ProposalStatus::Executed,
        "failed" => ProposalStatus::Failed,
        "dropped" => ProposalStatus::Dropped,
        _ => {
            return Err(GovernanceError::BadProposal(format!(
                "status {s:?}: deposit_period, voting_period, passed, rejected, vetoed, executed, failed or dropped"
            )))
        }
    })
}

pub fn overview(state: &impl StateRead, now: UnixSeconds) -> Result<GovernanceView, GovernanceError> {
    Ok(GovernanceView {
        params: state::params(state)?,
        community_pool: bank::balances(state, &community_pool())?,
        guardians: state::guardians(state)?,
        pauses: state::pauses(state, now)?,
        upgrade: state::upgrade_plan(state)?,
    })
}

impl From<GovernanceError> for QueryError {
    fn from(e: GovernanceError) -> Self {
        match e {
            GovernanceError::UnknownProposal(id) => QueryError::NotFound(format!("proposal {id}")),
            GovernanceError::State(s) => QueryError::Internal(s.to_string()),
            GovernanceError::Corrupt(s) => QueryError::Internal(s),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

greenhour_framework::module_queries! {
    /// The governance module's reads, as of the latest block time.
    pub enum GovernanceQuery in "governance" {
        /// A proposal, its deposits and, while its vote is open, the count so far.
        Proposal = "governance_proposal" at "/governance/proposals/{id}" { id: u64 } -> ProposalView
            = |state, _now| proposal(state, id);
        /// Proposals in id order from `from` (default 1), optionally of one status (at most 1,000).
        Proposals = "governance_proposals" at "/governance/proposals" { status: Option<String>, from: Option<u64> } -> Vec<Proposal>
            = |state, _now| proposals(state, status.as_deref(), from.unwrap_or(1));
        /// Every vote on a proposal (at most 1,000 shown).
        Votes = "governance_votes" at "/governance/proposals/{id}/votes" { id: u64 } -> Vec<Vote>
            = |state, _now| state::votes(state, id).map(|mut v| { v.truncate(MAX_LIST); v });
        /// Sales of community-pool GHR for gUSD, newest first, with their price now.
        Raises = "governance_raises" at "/governance/raises" {} -> Vec<RaiseView>
            = |state, now| raises(state, now);
        /// The rules, the community pool, guardians, pauses in force and the scheduled upgrade.
        Overview = "governance" at "/governance" {} -> GovernanceView
            = |state, now| overview(state, now);
    }
}
