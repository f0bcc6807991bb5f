//! `staking`: proof of green compute stake (PoGCS). Validators bond `ughr` and
//! take delegations; devices linked to a validator add their verified green
//! GPU-hours to its power; the set signing each epoch is fixed in the last
//! block of the epoch before (its hash is that header's `next_validators_hash`).
//!
//! Invariants (checked by [`invariants::check`]):
//! - The module account holds exactly the bonded tokens of every validator
//!   plus every unbonding entry.
//! - A validator's delegation shares sum to its share count; a consensus key
//!   maps to exactly one validator.
//! - Every stored set is sorted by power (then operator), has no zero power,
//!   and with four or more members no member holds a third of the power.
//! - The set changes only at epoch boundaries; rewards pay out exactly what
//!   was collected or minted.

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

pub use action::{SignedVote, StakingAction, Vote, VoteKind};
pub use error::StakingError;
pub use event::StakingEvent;
pub use genesis::{GenesisValidator, StakingGenesis};
pub use params::StakingParams;
pub use state::{SetMember, Unbonding, Validator, ValidatorSet, ValidatorStatus};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

/// Module name: key prefix, module account.
pub const NAME: &str = "staking";

/// The staking module.
pub struct Staking;

impl Module for Staking {
    const NAME: &'static str = NAME;
    /// Holds bonded stake; mints each epoch's inflation and burns slashed stake.
    const ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount { name: NAME, mint_and_burn: true }];
    type Genesis = StakingGenesis;
    type Error = StakingError;
    type Query = query::StakingQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &StakingGenesis) -> Result<(), StakingError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<StakingGenesis, StakingError> {
        genesis::export(state)
    }
    fn begin_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), StakingError> {
        handler::begin_block(state, ctx)
    }
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), StakingError> {
        handler::end_block(state, ctx)
    }
    greenhour_framework::governed_module_params!(StakingParams, keys::params());
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
