//! Integer math of gUSD: interest, collateral ratios, the redemption base rate
//! and its decay. No floats; every function names its rounding, which always
//! goes against the caller (debt and fees round up, what is paid out rounds down).

pub use greenhour_primitives::fixed::{mul_div_down, mul_div_up, BPS, WAD};

/// Seconds in the 365-day year interest rates are quoted over.
pub const SECONDS_PER_YEAR: u128 = 31_536_000;

/// Liquity's base-rate decay per minute, WAD: `0.5^(1/720)`, a 12-hour half-life.
pub const DECAY_PER_MINUTE_WAD: u128 = 999_037_758_833_783_000;

/// Minutes after which the decayed base rate is treated as zero (a year: 0.5^730).
pub const MAX_DECAY_MINUTES: u64 = 525_600;

/// Interest on `debt` at `rate_bps` a year over `seconds`, rounded up (the vault owes it).
pub fn interest_up(debt: u128, rate_bps: u32, seconds: u64) -> Option<u128> {
    let per_year = debt.checked_mul(rate_bps as u128)?;
    mul_div_up(per_year, seconds as u128, BPS * SECONDS_PER_YEAR)
}

/// `collateral` units at `price_wad` (gUSD micro-units per unit, WAD), rounded down.
pub fn value_down(collateral: u128, price_wad: u128) -> Option<u128> {
    mul_div_down(collateral, price_wad, WAD)
}

/// Collateral units worth `value` at `price_wad`, rounded down (what the chain pays out).
pub fn units_down(value: u128, price_wad: u128) -> Option<u128> {
    mul_div_down(value, WAD, price_wad)
}

/// Collateral units worth `value` at `price_wad`, rounded up (what the chain keeps back).
pub fn units_up(value: u128, price_wad: u128) -> Option<u128> {
    mul_div_up(value, WAD, price_wad)
}

/// Whether `collateral` at `price_wad` covers `debt` × `ratio_bps` (the minimum
/// collateral ratio): value × 10⁴ ≥ debt × ratio, in 256 bits, no rounding.
pub fn covers(collateral: u128, price_wad: u128, debt: u128, ratio_bps: u32) -> bool {
    use ethnum::U256;
    let value_x = U256::from(collateral) * U256::from(price_wad) * U256::from(BPS);
    value_x >= U256::from(debt) * U256::from(ratio_bps) * U256::from(WAD)
}

/// The collateral ratio in bps (value / debt), rounded down; `u64::MAX` for no debt.
pub fn ratio_bps_down(collateral: u128, price_wad: u128, debt: u128) -> u64 {
    if debt == 0 {
        return u64::MAX;
    }
    let value = value_down(collateral, price_wad).unwrap_or(u128::MAX);
    mul_div_down(value, BPS, debt).map_or(u64::MAX, |r| r.min(u64::MAX as u128) as u64)
}

/// `x^n` for `x` in WAD, by squaring, each product rounded down.
pub fn wad_pow_down(mut x: u128, mut n: u64) -> u128 {
    let mut acc = WAD;
    while n > 0 {
        if n & 1 == 1 {
            acc = mul_div_down(acc, x, WAD).unwrap_or(0);
        }
        x = mul_div_down(x, x, WAD).unwrap_or(0);
        n >>= 1;
    }
    acc
}

/// The base rate `minutes` after it was last set (Liquity: halves every 12 hours).
pub fn decayed_base_rate(base_wad: u128, minutes: u64) -> u128 {
    if minutes >= MAX_DECAY_MINUTES {
        return 0;
    }
    mul_div_down(base_wad, wad_pow_down(DECAY_PER_MINUTE_WAD, minutes), WAD).unwrap_or(0)
}

/// The base rate after redeeming `amount` of `supply`: `base + amount / supply / 2`,
/// rounded up and capped at 100 % (Liquity v1 `_updateBaseRateFromRedemption`).
pub fn raised_base_rate(decayed_wad: u128, amount: u128, supply: u128) -> Option<u128> {
    let rise = mul_div_up(amount, WAD, supply.checked_mul(2)?)?;
    Some(decayed_wad.saturating_add(rise).min(WAD))
}

/// The redemption fee rate: `floor + base`, capped at 100 %, WAD.
pub fn fee_rate_wad(floor_bps: u32, base_wad: u128) -> u128 {
    let floor = WAD / BPS * floor_bps as u128;
    floor.saturating_add(base_wad).min(WAD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_base_rate_halves_in_twelve_hours() {
        let half = decayed_base_rate(WAD, 720);
        let diff = half.abs_diff(WAD / 2);
        assert!(diff < WAD / 1_000_000, "{half}");
        assert_eq!(decayed_base_rate(WAD, 0), WAD);
        assert_eq!(decayed_base_rate(WAD, MAX_DECAY_MINUTES), 0);
    }

    #[test]
    fn a_year_at_five_percent_on_a_thousand_costs_fifty() {
        assert_eq!(interest_up(1_000_000_000, 500, 31_536_000), Some(50_000_000));
        assert_eq!(interest_up(1, 1, 1), Some(1), "interest on any debt over any time rounds up");
        assert_eq!(interest_up(0, 500, 1_000), Some(0));
    }

    proptest! {
        #[test]
        fn covers_agrees_with_the_rounded_ratio(c in 0u128..1u128 << 80, p in 1u128..1u128 << 70, d in 1u128..1u128 << 80, r in 1u32..40_000) {
            // The rounded-down ratio never claims more than the exact check allows.
            let ratio = ratio_bps_down(c, p, d);
            if ratio >= r as u64 {
                prop_assert!(covers(c, p, d, r));
            }
            if !covers(c, p, d, r) {
                prop_assert!(ratio < r as u64);
            }
        }

        #[test]
        fn units_round_against_the_caller(v in 0u128..1u128 << 90, p in 1u128..1u128 << 70) {
            let down = units_down(v, p).unwrap();
            let up = units_up(v, p).unwrap();
            prop_assert!(down <= up && up - down <= 1);
            prop_assert!(value_down(down, p).unwrap() <= v, "paying out `down` units never gives more than `v`");
        }

        #[test]
        fn the_base_rate_never_grows_by_waiting(b in 0u128..=WAD, m in 0u64..2_000_000, more in 0u64..10_000) {
            prop_assert!(decayed_base_rate(b, m) <= b);
            prop_assert!(decayed_base_rate(b, m + more) <= decayed_base_rate(b, m));
        }

        #[test]
        fn redeeming_raises_the_base_rate_within_bounds(b in 0u128..=WAD, a in 1u128..1u128 << 60, s in 1u128..1u128 << 60) {
            let raised = raised_base_rate(b, a.min(s), s).unwrap();
            prop_assert!(raised >= b && raised <= WAD);
            prop_assert!(fee_rate_wad(50, raised) >= fee_rate_wad(50, b));
        }
    }
}
