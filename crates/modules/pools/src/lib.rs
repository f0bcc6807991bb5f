//! `pools`: virtual asset pools of devices by class and kind, their entry
//! conditions, pledges of future capacity, perishable hour-slot tokens and the
//! position NFTs that carry the revenue claim.
//!
//! Invariants (checked by [`invariants::check`]):
//! - For every hour not yet expired, bank's supply of its slot denom equals the
//!   units backed by positions for that hour (pledged minus withdrawn), and the
//!   pool custody holds exactly the unsold ones: slot tokens outstanding never
//!   exceed pledged capacity.
//! - For a member device and every hour, the units backed by its live positions
//!   of one unit stay within its nameplate (GPUs, or PV kWh per hour).
//! - Every position has a live position NFT with the same serial.
//! - Custody holds exactly the market LP shares recorded for positions, and no
//!   position answers for more of an hour's slots in the market than it took out.
//! - Custody's `ughr` equals the stakes bonded by members and tickets.
//! - A pool's member count equals its member records; a device is pool-locked in
//!   `devices` exactly while it is a member somewhere; no cell holds more members
//!   than its pool's cap.
//! - Block work does not grow with history: the expiry sweep finds due hours with
//!   one range read and a fixed page of members is re-checked per block. (The
//!   lottery draw handles one epoch's tickets in the epoch's first block.)

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

pub use action::PoolsAction;
pub use error::PoolsError;
pub use event::PoolsEvent;
pub use genesis::PoolsGenesis;
pub use params::{PoolsParams, POSITION_CLASS};
pub use state::{
    CapacityState, EntryConditions, HourView, Member, MemberStatus, Pool, PoolId, PoolKind, Position, PositionView,
    SlotUnit, Ticket,
};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

/// Module name: key prefix, module account, NFT minter.
pub const NAME: &str = "pools";

/// The pools module.
pub struct Pools;

impl Module for Pools {
    const NAME: &'static str = NAME;
    /// Mints and burns slot tokens; mints position NFTs.
    const ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount { name: NAME, mint_and_burn: true }];
    const NFT_CLASSES: &'static [&'static str] = &[POSITION_CLASS];
    type Genesis = PoolsGenesis;
    type Error = PoolsError;
    type Query = query::PoolsQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &PoolsGenesis) -> Result<(), PoolsError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<PoolsGenesis, PoolsError> {
        genesis::export(state)
    }
    fn begin_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), PoolsError> {
        handler::begin_block(state, ctx)
    }
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), PoolsError> {
        handler::end_block(state, ctx)
    }
    greenhour_framework::governed_module_params!(PoolsParams, keys::params());
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
