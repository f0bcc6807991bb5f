//! The crate-level invariants, checked over the whole state (tests and audits).

use crate::handler::escrow;
use crate::keys::Queue;
use crate::state::{self, ProposalStatus};
use crate::GovernanceError;
use greenhour_bank::api as bank;
use greenhour_primitives::Denom;
use greenhour_state::StateRead;

/// See the crate documentation for the invariants checked here.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    run(state).map_err(|e| e.to_string()).and_then(|r| r)
}

fn run(state: &impl StateRead) -> Result<Result<(), String>, GovernanceError> {
    let mut escrowed = 0u128;
    let mut expected: Vec<(Queue, u64, u64)> = Vec::new();
    for p in state::proposals(state, 0, usize::MAX)? {
        let deposits: u128 = state::deposits(state, p.id)?.iter().map(|d| d.1).sum();
        let open = matches!(p.status, ProposalStatus::DepositPeriod | ProposalStatus::VotingPeriod);
        if open && deposits != p.total_deposit {
            return Ok(Err(format!("proposal {}: deposits {deposits} ≠ its total {}", p.id, p.total_deposit)));
        }
        if !open && deposits != 0 {
            return Ok(Err(format!("proposal {} is {:?} but still holds deposits", p.id, p.status)));
        }
        escrowed += deposits;
        match p.status {
            ProposalStatus::DepositPeriod => expected.push((Queue::DepositEnds, p.deposit_end, p.id)),
            ProposalStatus::VotingPeriod => expected.push((Queue::VotingEnds, p.voting_end.unwrap_or(0), p.id)),
            ProposalStatus::Passed => expected.push((Queue::Executes, p.execute_at.unwrap_or(0), p.id)),
            _ => {}
        }
    }
    for r in state::raises(state)? {
        if r.sold > r.offered {
            return Ok(Err(format!("raise {} sold {} of {}", r.id, r.sold, r.offered)));
        }
        if r.open {
            expected.push((Queue::RaiseEnds, r.ends, r.id));
        }
    }
    let on_sale: u128 = state::raises(state)?.iter().filter(|r| r.open).map(|r| r.offered - r.sold).sum();
    let escrowed_for_sale = bank::balance(state, &crate::handler::raise_escrow(), &Denom::ghr())?;
    if escrowed_for_sale != on_sale {
        return Ok(Err(format!("the sale escrow holds {escrowed_for_sale} ughr for {on_sale} ughr on sale")));
    }
    let held = bank::balance(state, &escrow(), &Denom::ghr())?;
    if held != escrowed {
        return Ok(Err(format!("the escrow holds {held} ughr for {escrowed} ughr of deposits")));
    }
    // Each open proposal is queued exactly once, at its period's end, and nothing else is.
    let mut queued: Vec<(Queue, u64, u64)> = Vec::new();
    for q in [Queue::DepositEnds, Queue::VotingEnds, Queue::Executes, Queue::RaiseEnds] {
        queued.extend(state::queue_entries(state, q)?.into_iter().map(|(at, id)| (q, at, id)));
    }
    let key = |e: &(Queue, u64, u64)| (e.0.prefix(), e.1, e.2);
    expected.sort_by_key(key);
    queued.sort_by_key(key);
    if expected != queued {
        return Ok(Err(format!("queues {queued:?} do not match the open proposals {expected:?}")));
    }
    Ok(Ok(()))
}

/// Every governed parameter of every module of the app is inside the bounds its
/// module declares.
pub fn params_in_bounds<R: greenhour_framework::params::ParamRouter>(state: &impl StateRead) -> Result<(), String> {
    for module in R::modules() {
        let bounds = R::bounds(module).unwrap_or_default();
        for (name, value) in R::values(state, module).map_err(|e| e.to_string())? {
            greenhour_framework::params::check_bound(module, bounds, name, value).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
