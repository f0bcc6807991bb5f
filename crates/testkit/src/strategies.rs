//! proptest strategies for Greenhour values.

use greenhour_primitives::{Coin, Denom};
use proptest::prelude::*;

/// One of the three base denoms.
pub fn base_denom() -> impl Strategy<Value = Denom> {
    prop_oneof![Just(Denom::ghr()), Just(Denom::gusd()), Just(crate::test_denom())]
}

/// A positive coin of a base denom, at most `max`.
pub fn coin(max: u128) -> impl Strategy<Value = Coin> {
    (base_denom(), 1..=max).prop_map(|(denom, amount)| Coin { denom, amount })
}

/// Index of a demo account.
pub fn account() -> impl Strategy<Value = usize> {
    0..crate::DEMO_ACCOUNTS.len()
}
