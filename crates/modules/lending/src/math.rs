//! Integer math of lending in WAD (10¹⁸) fixed point: Morpho Blue's share
//! accounting with virtual offsets, its three-term Taylor compounding, the
//! adaptive-curve rate model with its exponential, the liquidation incentive, and
//! our time decay of the loan-to-value limit. Products are taken in 256 bits;
//! every function names its rounding (`_down`, `_up`) and the callers pick the
//! direction that favours the protocol over the caller.

use ethnum::U256;
use serde::{Deserialize, Serialize};

pub const WAD: u128 = 1_000_000_000_000_000_000;
/// Morpho's virtual shares and assets (shared with the other share books): an
/// empty market prices a share at 10⁻⁶ asset, so the first depositor cannot
/// inflate the share price and steal from the next (the "inflation attack").
pub use greenhour_primitives::fixed::{
    to_assets_down, to_assets_up, to_shares_down, to_shares_up, VIRTUAL_ASSETS, VIRTUAL_SHARES,
};
pub const SECONDS_PER_YEAR: u128 = 31_536_000;

/// `x·y/d` rounded down; `None` when `d` is 0 or the result exceeds `u128`.
pub fn mul_div_down(x: u128, y: u128, d: u128) -> Option<u128> {
    if d == 0 {
        return None;
    }
    let q = U256::from(x) * U256::from(y) / U256::from(d);
    u128::try_from(q).ok()
}

/// `x·y/d` rounded up; `None` when `d` is 0 or the result exceeds `u128`.
pub fn mul_div_up(x: u128, y: u128, d: u128) -> Option<u128> {
    if d == 0 {
        return None;
    }
    let p = U256::from(x) * U256::from(y);
    let d = U256::from(d);
    let q = p / d + U256::from(u8::from(p % d != 0));
    u128::try_from(q).ok()
}

/// `e^(x·n) − 1` by its first three Taylor terms (Morpho's `wTaylorCompounded`):
/// slightly below the true value, so interest never overshoots.
pub fn taylor_compounded_down(rate_per_second_wad: u128, seconds: u64) -> Option<u128> {
    let first = rate_per_second_wad.checked_mul(seconds as u128)?;
    let second = mul_div_down(first, first, 2 * WAD)?;
    let third = mul_div_down(second, first, 3 * WAD)?;
    first.checked_add(second)?.checked_add(third)
}

/// `e^x` in WAD for a signed WAD exponent, after Morpho's `ExpLib.wExp`: reduce by
/// multiples of ln 2, then `1 + r + r²/2 + r³/6` on the remainder (|r| ≤ ln2/2;
/// Morpho stops at r², up to 0.9 % off; the cubic term brings it under 0.1 %). Exponents below
/// ln(10⁻¹⁸) give 0; above 40 they are clamped (e⁴⁰ ≈ 2.4·10¹⁷, far past any rate bound).
pub fn exp_wad(x: i128) -> u128 {
    const LN2: i128 = 693_147_180_559_945_309;
    const LN_WEI: i128 = -41_446_531_673_892_822_312;
    const UPPER: i128 = 40 * WAD as i128;
    if x < LN_WEI {
        return 0;
    }
    let x = x.min(UPPER);
    let rounding = if x < 0 { -(LN2 / 2) } else { LN2 / 2 };
    let q = (x + rounding) / LN2;
    let r = x - q * LN2;
    let w = WAD as i128;
    let r2 = r * r / w;
    let exp_r = (w + r + r2 / 2 + r2 * r / w / 6) as u128;
    if q >= 0 {
        exp_r << q
    } else {
        exp_r >> (-q)
    }
}

/// The adaptive-curve rate model (Morpho's `AdaptiveCurveIrm`): a curve around the
/// target utilisation whose level, the rate at target, drifts up while utilisation
/// is above target and down while below. Rates are per second, in WAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq, borsh::BorshSerialize, borsh::BorshDeserialize, Serialize, Deserialize)]
pub struct RateModel {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub target_utilisation_wad: u128,
    /// How much steeper the curve is above target than at it (4 in Morpho).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub curve_steepness_wad: u128,
    /// Drift of ln(rate at target) per second at full error (50/year in Morpho).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub adjustment_speed_wad: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub initial_rate_at_target_wad: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub min_rate_at_target_wad: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub max_rate_at_target_wad: u128,
}

impl Default for RateModel {
    /// Morpho's deployed constants: 90 % target, steepness 4, speed 50/year, 4 %
    /// APR at target initially, bounded to 0.1 %–200 % APR.
    fn default() -> Self {
        let per_year = |wad: u128| wad / SECONDS_PER_YEAR;
        RateModel {
            target_utilisation_wad: 9 * WAD / 10,
            curve_steepness_wad: 4 * WAD,
            adjustment_speed_wad: per_year(50 * WAD),
            initial_rate_at_target_wad: per_year(4 * WAD / 100),
            min_rate_at_target_wad: per_year(WAD / 1_000),
            max_rate_at_target_wad: per_year(2 * WAD),
        }
    }
}

impl RateModel {
    /// Whether the model is usable: 0 < target < 1, steepness ≥ 1, min ≤ initial ≤ max.
    pub fn is_valid(&self) -> bool {
        self.target_utilisation_wad > 0
            && self.target_utilisation_wad < WAD
            && self.curve_steepness_wad >= WAD
            && self.curve_steepness_wad <= 100 * WAD
            && self.min_rate_at_target_wad <= self.initial_rate_at_target_wad
            && self.initial_rate_at_target_wad <= self.max_rate_at_target_wad
            && self.max_rate_at_target_wad <= WAD / 1_000
            && self.adjustment_speed_wad <= WAD / 1_000
    }

    /// The normalised distance from target: −1 at 0 % utilisation, 0 at target, +1 at 100 %.
    fn error_wad(&self, utilisation_wad: u128) -> i128 {
        let u = utilisation_wad.min(WAD) as i128;
        let target = self.target_utilisation_wad as i128;
        let w = WAD as i128;
        if u > target {
            (u - target) * w / (w - target)
        } else {
            (u - target) * w / target
        }
    }

    fn curve(&self, rate_at_target: u128, err: i128) -> u128 {
        let w = WAD as i128;
        let steep = self.curve_steepness_wad as i128;
        let coefficient = if err < 0 { w - w * w / steep } else { steep - w };
        let factor = (coefficient * err / w + w).max(0) as u128;
        mul_div_down(factor, rate_at_target, WAD).unwrap_or(u128::MAX)
    }

    fn clamp(&self, rate: u128) -> u128 {
        rate.clamp(self.min_rate_at_target_wad, self.max_rate_at_target_wad)
    }

    /// The average borrow rate per second over `elapsed` seconds that started at
    /// `rate_at_target` (0: a market's first accrual), and the rate at target it ends
    /// at. The average uses the trapezoid rule on the exponential drift, as Morpho does.
    pub fn borrow_rate(&self, utilisation_wad: u128, rate_at_target: u128, elapsed: u64) -> (u128, u128) {
        let err = self.error_wad(utilisation_wad);
        if rate_at_target == 0 {
            let start = self.initial_rate_at_target_wad;
            return (self.curve(start, err), start);
        }
        let speed = (self.adjustment_speed_wad as i128).saturating_mul(err) / WAD as i128;
        let linear = speed.saturating_mul(elapsed as i128);
        let at = |exponent: i128| self.clamp(mul_div_down(rate_at_target, exp_wad(exponent), WAD).unwrap_or(u128::MAX));
        let end = at(linear);
        let average = if linear == 0 {
            rate_at_target
        } else {
            let mid = at(linear / 2);
            (rate_at_target / 4).saturating_add(end / 4).saturating_add(mid / 2)
        };
        (self.curve(average, err), end)
    }
}

/// Morpho's liquidation incentive factor: `min(1.15, 1/(1 − 0.3·(1 − LLTV)))`, WAD.
pub fn incentive_factor_wad(lltv_wad: u128) -> u128 {
    const MAX: u128 = 115 * WAD / 100;
    const CURSOR: u128 = 3 * WAD / 10;
    let lltv = lltv_wad.min(WAD);
    let reduction = mul_div_down(CURSOR, WAD - lltv, WAD).unwrap_or(0);
    mul_div_down(WAD, WAD, WAD - reduction).unwrap_or(MAX).min(MAX)
}

/// The loan-to-value limit of collateral that perishes at `expires_at`, at `now`:
/// the full `lltv` until `decay_seconds` before expiry, then falling linearly to 0
/// at expiry (rounded down), and 0 from then on.
pub fn decayed_lltv_down(lltv_wad: u128, now: u64, expires_at: u64, decay_seconds: u64) -> u128 {
    if now >= expires_at {
        return 0;
    }
    let left = expires_at - now;
    if decay_seconds == 0 || left >= decay_seconds {
        return lltv_wad;
    }
    mul_div_down(lltv_wad, left as u128, decay_seconds as u128).unwrap_or(0)
}

/// What collateral worth `value` lets one borrow at `lltv`: `value·lltv`, rounded down.
pub fn borrow_limit_down(value: u128, lltv_wad: u128) -> u128 {
    mul_div_down(value, lltv_wad, WAD).unwrap_or(u128::MAX)
}

/// What perishable collateral worth `value` lets one borrow at `now`: its value
/// times the LLTV decayed towards `expires_at` (position NFTs: their last hour's
/// end; slot tokens: their hour's start), rounded down.
pub fn perishable_limit_down(value: u128, lltv_wad: u128, now: u64, expires_at: u64, decay_seconds: u64) -> u128 {
    borrow_limit_down(value, decayed_lltv_down(lltv_wad, now, expires_at, decay_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exp_matches_known_values() {
        let close = |got: u128, want: f64| {
            let got = got as f64 / WAD as f64;
            assert!((got - want).abs() / want < 0.001, "{got} vs {want}");
        };
        close(exp_wad(0), 1.0);
        close(exp_wad(WAD as i128), std::f64::consts::E);
        close(exp_wad(-(WAD as i128)), 1.0 / std::f64::consts::E);
        close(exp_wad(5 * WAD as i128), 148.413_159);
        assert_eq!(exp_wad(-42 * WAD as i128), 0);
    }

    #[test]
    fn incentive_matches_morpho() {
        // LLTV 86 % → 4.4 % bonus; 50 % and below hit the 15 % cap at ~56.5 %.
        let lif = incentive_factor_wad(86 * WAD / 100);
        assert!(lif > 1_043 * WAD / 1_000 && lif < 1_044 * WAD / 1_000, "{lif}");
        assert_eq!(incentive_factor_wad(WAD / 2), 115 * WAD / 100);
        assert_eq!(incentive_factor_wad(WAD), WAD);
    }

    #[test]
    fn rate_follows_utilisation_and_drifts() {
        let m = RateModel::default();
        let (at_target, start) = m.borrow_rate(m.target_utilisation_wad, 0, 0);
        assert_eq!((at_target, start), (m.initial_rate_at_target_wad, m.initial_rate_at_target_wad));
        let (full, _) = m.borrow_rate(WAD, start, 0);
        assert_eq!(full, 4 * start, "the curve is 4× steeper at 100 %");
        let (empty, _) = m.borrow_rate(0, start, 0);
        assert_eq!(empty, start / 4);
        // A day above target raises the rate at target; a day below lowers it.
        let (_, up) = m.borrow_rate(WAD, start, 86_400);
        let (_, down) = m.borrow_rate(0, start, 86_400);
        assert!(up > start && down < start, "{down} < {start} < {up}");
        // Decades later the bounds hold.
        let (_, far) = m.borrow_rate(WAD, start, 40 * 31_536_000);
        assert_eq!(far, m.max_rate_at_target_wad);
    }

    proptest! {
        #[test]
        fn shares_round_against_the_caller(assets in 1u128..1u128 << 100, total_assets in 0u128..1u128 << 100, extra in 0u128..1u128 << 60) {
            let total_shares = total_assets.saturating_mul(VIRTUAL_SHARES).saturating_add(extra);
            let down = to_shares_down(assets, total_assets, total_shares).unwrap();
            let up = to_shares_up(assets, total_assets, total_shares).unwrap();
            prop_assert!(up >= down && up - down <= 1);
            // Depositing then redeeming never returns more than was put in.
            let back = to_assets_down(down, total_assets + assets, total_shares + down).unwrap();
            prop_assert!(back <= assets, "{back} > {assets}");
            // Repaying the assets owed by `up` shares covers at least those assets.
            prop_assert!(to_assets_up(up, total_assets, total_shares).unwrap() >= to_assets_down(up, total_assets, total_shares).unwrap());
        }

        #[test]
        fn decayed_lltv_is_monotone_and_ends_at_zero(lltv in 0u128..=WAD, now in 0u64..1u64 << 40, expiry in 0u64..1u64 << 40, decay in 0u64..1u64 << 20, step in 0u64..1u64 << 20) {
            let a = decayed_lltv_down(lltv, now, expiry, decay);
            let b = decayed_lltv_down(lltv, now + step, expiry, decay);
            prop_assert!(a <= lltv && b <= a, "the limit never rises with time");
            prop_assert_eq!(decayed_lltv_down(lltv, expiry, expiry, decay), 0);
        }

        #[test]
        fn mul_div_rounding_brackets_the_exact_value(x in any::<u64>(), y in any::<u64>(), d in 1u64..) {
            let exact = x as u128 * y as u128;
            let down = mul_div_down(x as u128, y as u128, d as u128).unwrap();
            let up = mul_div_up(x as u128, y as u128, d as u128).unwrap();
            prop_assert!(down * d as u128 <= exact && exact <= up * d as u128);
            prop_assert!(up - down <= 1);
        }

        #[test]
        fn compounding_is_at_least_simple_interest(rate in 0u128..WAD / 1_000_000, seconds in 0u64..1u64 << 26) {
            let compounded = taylor_compounded_down(rate, seconds).unwrap();
            prop_assert!(compounded >= rate * seconds as u128);
        }
    }
}
