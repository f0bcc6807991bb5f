//! The only place market keys are spelled.

use crate::params::MarketParams;
use crate::state::MarketPool;
use greenhour_primitives::Denom;
use greenhour_state::Key;

pub const POOL_PREFIX: &str = "market/pool/";

pub fn params() -> Key<MarketParams> {
    Key::new("market/params")
}
/// The pool trading one slot denom.
pub fn pool(slot: &Denom) -> Key<MarketPool> {
    Key::new(format!("{POOL_PREFIX}{slot}"))
}
