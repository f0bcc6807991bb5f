use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{Denom, UnixSeconds};
use serde::{Deserialize, Serialize};

/// Which side of a swap is fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exact {
    /// Pay exactly this much; `limit` is the least accepted out.
    In(#[serde(with = "greenhour_primitives::amount_serde")] u128),
    /// Receive exactly this much; `limit` is the most paid in.
    Out(#[serde(with = "greenhour_primitives::amount_serde")] u128),
}

/// What users may ask of the market module.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketAction {
    /// Opens a pool for one hour's slot denom against `ugusd` or `ughr`.
    Create {
        slot: Denom,
        quote: Denom,
        #[serde(with = "greenhour_primitives::amount_serde")]
        floor_wad: u128,
        half_life: u64,
        decay_window: u64,
    },
    /// Deposits at most `max_slots` and `max_quote` in the pool's ratio (any ratio
    /// for the first deposit) for at least `min_shares` LP shares.
    AddLiquidity {
        slot: Denom,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_slots: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_quote: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_shares: u128,
        deadline: UnixSeconds,
    },
    /// Burns `shares` for the pro-rata slots and quote (slots are gone once the hour ended).
    RemoveLiquidity {
        slot: Denom,
        #[serde(with = "greenhour_primitives::amount_serde")]
        shares: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_slots: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_quote: u128,
        deadline: UnixSeconds,
    },
    /// Buys slots with quote (`buy_slots`) or sells slots for quote.
    Swap {
        slot: Denom,
        buy_slots: bool,
        exact: Exact,
        #[serde(with = "greenhour_primitives::amount_serde")]
        limit: u128,
        deadline: UnixSeconds,
    },
    /// Buys `slots_per_hour` slots of each of `hours` consecutive hours starting with
    /// `first_slot`'s, from pools quoted in `quote`, paying at most `max_total` in
    /// all; atomic: every hour fills or nothing does.
    BuyHours {
        first_slot: Denom,
        hours: u32,
        #[serde(with = "greenhour_primitives::amount_serde")]
        slots_per_hour: u128,
        quote: Denom,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_total: u128,
        deadline: UnixSeconds,
    },
}
