//! Index math: WAD prices (10¹⁸ = one quote unit per slot), rounded down, and
//! green weighting in basis points.

pub use greenhour_primitives::fixed::{mul_div_down, BPS, WAD};

/// Volume-weighted price `quote / slots` in WAD, rounded down; `None` without volume
/// (or for a price above u128).
pub fn vwap_wad(quote: u128, slots: u128) -> Option<u128> {
    mul_div_down(quote, WAD, slots)
}

/// `amount · share_bps`, the green-weighted volume of a fill; `None` on overflow.
pub fn green_weighted(amount: u128, share_bps: u32) -> Option<u128> {
    amount.checked_mul(share_bps as u128)
}

/// Average share of a supply, `green_units / units` in bps, rounded down (0 for none).
pub fn average_share_bps(green_units: u128, units: u128) -> u32 {
    mul_div_down(green_units, 1, units).map_or(0, |s| s.min(BPS) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vwap_of_known_fills() {
        // 3 slots for 6 gUSD and 1 slot for 2 gUSD (in µgUSD): 2 gUSD per slot.
        assert_eq!(vwap_wad(8_000_000, 4), Some(2_000_000 * WAD));
        assert_eq!(vwap_wad(1, 3), Some(333_333_333_333_333_333));
        assert_eq!(vwap_wad(5, 0), None);
    }

    proptest! {
        /// The volume-weighted price of two fills lies between their prices.
        #[test]
        fn vwap_lies_between_fill_prices(q1 in 1u128..1u128 << 80, s1 in 1u128..1u128 << 40,
                                         q2 in 1u128..1u128 << 80, s2 in 1u128..1u128 << 40) {
            let (p1, p2) = (vwap_wad(q1, s1).unwrap(), vwap_wad(q2, s2).unwrap());
            let both = vwap_wad(q1 + q2, s1 + s2).unwrap();
            prop_assert!(both >= p1.min(p2) && both <= p1.max(p2));
        }

        /// Weighting by a share never reports an average share above the largest weight.
        #[test]
        fn average_share_is_a_share(units in 1u128..1u128 << 60, bps in 0u32..=10_000) {
            let g = green_weighted(units, bps).unwrap();
            prop_assert_eq!(average_share_bps(g, units), bps);
        }
    }
}
