//! Integer math of the cover pool: stakers' shares (ERC-4626 with a virtual
//! offset, as the funds module), the premium of a cover priced by the device's
//! own downtime record and the pool's utilisation, and the capacity bound.
//! Rounding goes against the caller: premiums round up, shares and withdrawals down.

pub use greenhour_primitives::fixed::{mul_div_down, mul_div_up, to_assets_down, to_shares_down, BPS};

/// The pool's utilisation, bps: cover outstanding (`locked`) over capital.
pub fn utilisation_bps(locked: u128, capital: u128) -> u128 {
    if capital == 0 {
        return if locked == 0 { 0 } else { BPS };
    }
    mul_div_up(locked, BPS, capital).unwrap_or(u128::MAX)
}

/// A covered hour's price, bps of the sum insured: the base rate, plus the
/// device's own downtime share over the window (the expected loss: a device
/// down one hour in seven costs about 14 %), plus the utilisation slope taken at
/// the pool's utilisation after the sale (Nexus Mutual's surge as capacity runs out).
pub fn rate_bps(base_bps: u32, downtime_bps: u32, slope_bps: u32, utilisation_after_bps: u128) -> u128 {
    u128::from(base_bps)
        + u128::from(downtime_bps)
        + mul_div_up(u128::from(slope_bps), utilisation_after_bps.min(BPS), BPS).unwrap_or(0)
}

/// The premium for `hours` covered hours of `per_hour` each at `rate_bps`, rounded up.
pub fn premium(per_hour: u128, hours: u32, rate_bps: u128) -> Option<u128> {
    mul_div_up(per_hour.checked_mul(u128::from(hours))?, rate_bps, BPS)
}

/// Whether `locked` cover fits the capital at `capacity_bps` (10,000: cover up to the capital).
pub fn within_capacity(locked: u128, capital: u128, capacity_bps: u32) -> bool {
    mul_div_down(capital, u128::from(capacity_bps), BPS).is_some_and(|max| locked <= max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Staking then unstaking at one capital never returns more than was staked.
        #[test]
        fn a_stake_round_trip_never_gains(a in 0u128..1u128 << 90, capital in 0u128..1u128 << 90, shares in 0u128..1u128 << 100) {
            let s = to_shares_down(a, capital, shares).unwrap();
            let back = to_assets_down(s, capital + a, shares + s).unwrap();
            prop_assert!(back <= a);
        }

        /// The price rises with utilisation and with the device's downtime, and
        /// never falls below the base.
        #[test]
        fn the_price_rises_with_utilisation_and_downtime(base in 0u32..1_000, down in 0u32..10_000, slope in 0u32..5_000, u1 in 0u128..10_000, u2 in 0u128..10_000) {
            let (lo, hi) = (u1.min(u2), u1.max(u2));
            prop_assert!(rate_bps(base, down, slope, lo) <= rate_bps(base, down, slope, hi));
            prop_assert!(rate_bps(base, down, slope, lo) <= rate_bps(base, down + 1, slope, lo));
            prop_assert!(rate_bps(base, down, slope, lo) >= u128::from(base));
        }

        /// Capacity: what is within it never exceeds the capital share it allows.
        #[test]
        fn capacity_bounds_the_cover(locked in 0u128..1u128 << 90, capital in 0u128..1u128 << 90, cap in 0u32..=10_000) {
            if within_capacity(locked, capital, cap) {
                prop_assert!(locked * 10_000 <= capital * u128::from(cap));
            }
        }
    }
}
