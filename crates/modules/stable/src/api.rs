//! What other modules may call: the module's account and treasury addresses, a
//! collateral's trusted price, and a redemption of gUSD for collateral on
//! another account's behalf (an ESG fund buying carbon coin for its custody).

pub use crate::handler::{account, collateral_price_wad, redeem, treasury};
