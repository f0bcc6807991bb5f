//! `index`: the Green Compute Index (`docs/spec/index.md`). Per device class and
//! quote denom it keeps one bucket per UTC hour of fills (slots, quote, and both
//! weighted by the green share of the supply behind the slots) and answers the
//! volume-weighted price of a GPU-hour, plain and green-weighted, for an hour and
//! over a rolling window. Other modules read it through [`state::price`], which
//! fails when the newest fill is older than the reader's limit.
//!
//! It has no transactions: the market writes fills ([`state::record_fill`]) and
//! the pools module the green share of what it mints ([`state::record_supply`]).
//!
//! Invariants (checked by [`invariants::check`]):
//! - A bucket with fills has `slots > 0` and `quote > 0`; one without has no volume.
//! - Green-weighted sums never exceed 10,000 × the plain sums (shares are in bps).
//! - A supply record's green units never exceed 10,000 × its units.

pub mod api;
pub mod error;
pub mod event;
pub mod genesis;
pub mod invariants;
pub mod keys;
pub mod math;
pub mod params;
pub mod query;
pub mod state;

pub use error::IndexError;
pub use event::IndexEvent;
pub use genesis::IndexGenesis;
pub use params::IndexParams;
pub use state::{HourBucket, IndexHour, IndexValue, Supply};

use greenhour_framework::{Module, StateRead, StateWrite};

/// Module name: key prefix.
pub const NAME: &str = "index";

/// The index module.
pub struct Index;

impl Module for Index {
    const NAME: &'static str = NAME;
    type Genesis = IndexGenesis;
    type Error = IndexError;
    type Query = query::IndexQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &IndexGenesis) -> Result<(), IndexError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<IndexGenesis, IndexError> {
        genesis::export(state)
    }
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
