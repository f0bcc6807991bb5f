//! What other modules may call: moving, creating and destroying coins, and
//! reading balances, supply and perishable denoms. Everything else in this crate
//! is the bank's own business.

pub use crate::state::{
    balance, balances, burn, burn_perished, is_module_address, mint, mint_coins, perishable, register_perishable,
    supply, transfer,
};
