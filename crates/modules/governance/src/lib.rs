//! `governance`: proposals, deposits and votes by bonded GHR, after Cosmos SDK
//! x/gov v1 (with its expedited proposals), a timelock before execution (after
//! OpenZeppelin's Governor), typed proposal messages — parameter changes within
//! the bounds each module declares in its `params.rs`, community-pool spends,
//! software upgrades that halt every node at a height, module pauses, and
//! fund-raising (a Dutch or fixed-price sale of community-pool GHR for gUSD) —
//! and a guardian set that may pause a module at once until it expires.
//!
//! Invariants (checked by [`invariants::check`] after every block in tests):
//! - The deposit escrow holds exactly the deposits of proposals in their deposit
//!   or voting period; each such proposal's total is the sum of its deposits, and
//!   a closed proposal holds none (returned, or burned after a veto).
//! - Each open proposal (deposit period, voting period, passed and waiting for
//!   its timelock) is queued exactly once, at the end of that stage; nothing
//!   else is queued.
//! - A proposal's messages change state all together or not at all: a failed
//!   execution is recorded on the proposal and changes nothing else.
//! - A parameter changes only through a passed proposal, only if its module
//!   declares it governed, and only within the declared bounds (checked at
//!   submission and again at execution).
//! - Votes are counted in O(validators + the voters' own delegations): a
//!   delegator who does not vote is never read; its validator's vote counts for it.
//! - Governance itself cannot be paused, so a pause can always be lifted.
//! - Every governed parameter of every module is inside its declared bounds.
//! - The sale escrow holds exactly the unsold GHR of open sales; each open sale
//!   is queued once, at its end.

pub mod action;
pub mod api;
pub mod error;
pub mod event;
pub mod genesis;
mod handler;
pub mod invariants;
pub mod keys;
pub mod math;
pub mod params;
pub mod query;
pub mod state;

pub use action::{GovernanceAction, ProposalMessage, Routed};
pub use error::GovernanceError;
pub use event::GovernanceEvent;
pub use genesis::GovernanceGenesis;
pub use handler::{community_pool, count, escrow, raise_escrow, raise_price};
pub use params::GovernanceParams;
pub use state::{
    GuardianSet, Pause, Proposal, ProposalStatus, Raise, Tally, UpgradePlan, Vote, VoteOption, WeightedOption,
};

use greenhour_framework::params::ParamRouter;
use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};
use std::marker::PhantomData;

pub const NAME: &str = greenhour_framework::GOVERNANCE;
/// The account deposits wait in until their proposal's vote ends (it may burn them).
pub const DEPOSITS: &str = "governance_deposits";
/// The account GHR on sale waits in (fund-raising from the community pool).
pub const RAISES: &str = "governance_raise";

/// The governance module, bound to the app's parameter router `R`.
pub struct Governance<R>(PhantomData<R>);

impl<R: ParamRouter> Module for Governance<R> {
    const NAME: &'static str = NAME;
    const ACCOUNTS: &'static [ModuleAccount] = &[
        ModuleAccount { name: NAME, mint_and_burn: false },
        ModuleAccount { name: DEPOSITS, mint_and_burn: true },
        ModuleAccount { name: RAISES, mint_and_burn: false },
    ];
    type Genesis = GovernanceGenesis;
    type Error = GovernanceError;
    type Query = query::GovernanceQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &GovernanceGenesis) -> Result<(), GovernanceError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<GovernanceGenesis, GovernanceError> {
        genesis::export(state)
    }
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), GovernanceError> {
        handler::end_block::<R>(state, ctx)
    }
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)?;
        invariants::params_in_bounds::<R>(state)
    }
    greenhour_framework::governed_module_params!(GovernanceParams, keys::params());
}
