//! The one place that fixes the order of module hooks and invariant checks.

use crate::error::AppError;
use greenhour_bank::Bank;
use greenhour_carbon::Carbon;
use greenhour_devices::Devices;
use greenhour_framework::{BlockCtx, Module, StateRead, StateWrite};
use greenhour_index::Index;
use greenhour_jobs::Jobs;
use greenhour_market::Market;
use greenhour_nft::Nft;
use greenhour_oracle::Oracle;
use greenhour_pools::Pools;
use greenhour_staking::Staking;

/// Runs every module's `begin_block`, in this fixed order.
pub fn begin_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), AppError> {
    Bank::begin_block(state, ctx)?;
    Devices::begin_block(state, ctx)?;
    Nft::begin_block(state, ctx)?;
    Oracle::begin_block(state, ctx)?;
    Pools::begin_block(state, ctx)?;
    Market::begin_block(state, ctx)?;
    Index::begin_block(state, ctx)?;
    Jobs::begin_block(state, ctx)?;
    Carbon::begin_block(state, ctx)?;
    Staking::begin_block(state, ctx)?;
    Ok(())
}

/// Runs every module's `end_block`, in this fixed order.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), AppError> {
    Bank::end_block(state, ctx)?;
    Devices::end_block(state, ctx)?;
    Nft::end_block(state, ctx)?;
    Oracle::end_block(state, ctx)?;
    Pools::end_block(state, ctx)?;
    Market::end_block(state, ctx)?;
    Index::end_block(state, ctx)?;
    Jobs::end_block(state, ctx)?;
    Carbon::end_block(state, ctx)?;
    Staking::end_block(state, ctx)?;
    Ok(())
}

/// Checks every module's invariants; returns `(module, what broke)` for the first failure.
pub fn check_invariants(state: &impl StateRead) -> Result<(), (&'static str, String)> {
    Bank::check_invariants(state).map_err(|e| (Bank::NAME, e))?;
    Devices::check_invariants(state).map_err(|e| (Devices::NAME, e))?;
    Nft::check_invariants(state).map_err(|e| (Nft::NAME, e))?;
    Oracle::check_invariants(state).map_err(|e| (Oracle::NAME, e))?;
    Pools::check_invariants(state).map_err(|e| (Pools::NAME, e))?;
    Market::check_invariants(state).map_err(|e| (Market::NAME, e))?;
    Index::check_invariants(state).map_err(|e| (Index::NAME, e))?;
    Jobs::check_invariants(state).map_err(|e| (Jobs::NAME, e))?;
    Carbon::check_invariants(state).map_err(|e| (Carbon::NAME, e))?;
    Staking::check_invariants(state).map_err(|e| (Staking::NAME, e))?;
    Ok(())
}
