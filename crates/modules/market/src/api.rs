//! What other modules may call: liquidity in and out on behalf of a payer, routing
//! and buying several hours, withdrawing inventory whose capacity left, and reading
//! a pool and its LP denom.

pub use crate::handler::{add_liquidity, buy_hours, custody, remove_liquidity, route, withdraw_capacity, Payer};
pub use crate::state::{lp_denom, pool};
