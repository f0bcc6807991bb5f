//! The governance part of the genesis file: parameters, the guardian set, and
//! whatever proposals, deposits, votes, pauses and upgrade plan a running chain
//! exports (the queues are rebuilt from the proposals' statuses).

use crate::keys::{self, Queue};
use crate::params::GovernanceParams;
use crate::state::{self, GuardianSet, Pause, Proposal, ProposalStatus, Raise, UpgradePlan, Vote};
use crate::GovernanceError;
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GovernanceGenesis {
    #[serde(default)]
    pub params: GovernanceParams,
    #[serde(default)]
    pub guardians: GuardianSet,
    #[serde(default)]
    pub proposals: Vec<Proposal>,
    /// Deposits still in escrow.
    #[serde(default)]
    pub deposits: Vec<DepositEntry>,
    #[serde(default)]
    pub votes: Vec<(u64, Vote)>,
    #[serde(default)]
    pub pauses: Vec<Pause>,
    #[serde(default)]
    pub upgrade: Option<UpgradePlan>,
    /// Sales of community-pool GHR, open and ended.
    #[serde(default)]
    pub raises: Vec<Raise>,
}

/// One depositor's escrowed deposit on one proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepositEntry {
    pub proposal: u64,
    pub depositor: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub amount: u128,
}

pub fn init(state: &mut impl StateWrite, g: &GovernanceGenesis) -> Result<(), GovernanceError> {
    g.params.consistent().map_err(GovernanceError::InvalidGenesis)?;
    state.put(&keys::params(), &g.params);
    if !g.guardians.members.is_empty() {
        state::put_guardians(state, &g.guardians);
    }
    let mut next = 1;
    for p in &g.proposals {
        if p.id < next {
            return Err(GovernanceError::InvalidGenesis(format!("proposal {} is out of order", p.id)));
        }
        next = p.id + 1;
        state::put_proposal(state, p);
        match (p.status, p.voting_end, p.execute_at) {
            (ProposalStatus::DepositPeriod, ..) => state::enqueue(state, Queue::DepositEnds, p.deposit_end, p.id),
            (ProposalStatus::VotingPeriod, Some(end), _) => state::enqueue(state, Queue::VotingEnds, end, p.id),
            (ProposalStatus::Passed, _, Some(at)) => state::enqueue(state, Queue::Executes, at, p.id),
            (ProposalStatus::VotingPeriod, None, _) | (ProposalStatus::Passed, _, None) => {
                return Err(GovernanceError::InvalidGenesis(format!("proposal {} lacks its period's end", p.id)))
            }
            _ => {}
        }
    }
    if !g.proposals.is_empty() {
        state.put(&keys::next_proposal(), &next);
    }
    for d in &g.deposits {
        state::set_deposit(state, d.proposal, &d.depositor, d.amount);
    }
    for (id, vote) in &g.votes {
        state::put_vote(state, *id, vote);
    }
    for p in &g.pauses {
        state::put_pause(state, p);
    }
    state::set_upgrade_plan(state, g.upgrade.as_ref());
    let mut next_raise = 1;
    for r in &g.raises {
        if r.id < next_raise || r.sold > r.offered {
            return Err(GovernanceError::InvalidGenesis(format!("raise {} is out of order or oversold", r.id)));
        }
        next_raise = r.id + 1;
        state::put_raise(state, r);
        if r.open {
            state::enqueue(state, Queue::RaiseEnds, r.ends, r.id);
        }
    }
    if !g.raises.is_empty() {
        state.put(&keys::next_raise(), &next_raise);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<GovernanceGenesis, GovernanceError> {
    let proposals = state::proposals(state, 0, usize::MAX)?;
    let mut deposits = Vec::new();
    let mut votes = Vec::new();
    for p in &proposals {
        deposits.extend(state::deposits(state, p.id)?.into_iter().map(|(depositor, amount)| DepositEntry {
            proposal: p.id,
            depositor,
            amount,
        }));
        votes.extend(state::votes(state, p.id)?.into_iter().map(|v| (p.id, v)));
    }
    Ok(GovernanceGenesis {
        params: state::params(state)?,
        guardians: state::guardians(state)?,
        proposals,
        deposits,
        votes,
        pauses: state.prefix::<Pause>(keys::PAUSED_PREFIX)?.into_iter().map(|(_, p)| p).collect(),
        upgrade: state::upgrade_plan(state)?,
        raises: state::raises(state)?,
    })
}
