//! The curve of `docs/spec/market.md` in integers. Every function names its
//! rounding, and every rounding favours the pool: outputs round down, inputs
//! round up, and decay rounds towards *less* decay. Products are taken in 256
//! bits (`ethnum::U256`) so that reserves of 10³⁰ still quote exactly; a result
//! that does not fit `u128` is `None`.

use ethnum::U256;
use std::sync::OnceLock;

pub use greenhour_primitives::fixed::{mul_div_down, mul_div_up, WAD};
/// Fees are in parts per million (3,000 = 0.3 %).
pub const PPM: u128 = 1_000_000;
/// Shares locked forever at the first deposit (Uniswap v2's `MINIMUM_LIQUIDITY`).
pub const MIN_LIQUIDITY: u128 = 1_000;

/// `⌊√n⌋` by Newton's iteration from a power of two above the root (it decreases
/// monotonically to the floor root).
fn isqrt(n: U256) -> U256 {
    if n < 2 {
        return n;
    }
    let bits = 256 - n.leading_zeros();
    let mut x = U256::ONE << bits.div_ceil(2);
    loop {
        let next = (x + n / x) >> 1;
        if next >= x {
            return x;
        }
        x = next;
    }
}

fn narrow(v: U256) -> Option<u128> {
    u128::try_from(v).ok()
}

/// Output of an exact-in swap on a constant-product pair, rounded down:
/// `⌊in·(10⁶−fee)·R_out / (R_in·10⁶ + in·(10⁶−fee))⌋` (Uniswap v2's `getAmountOut`
/// at `fee_ppm = 3,000`). `None` for a zero input or reserve, or a fee ≥ 100 %.
pub fn amount_out(amount_in: u128, reserve_in: u128, reserve_out: u128, fee_ppm: u32) -> Option<u128> {
    let fee = fee_ppm as u128;
    if amount_in == 0 || reserve_in == 0 || reserve_out == 0 || fee >= PPM {
        return None;
    }
    let in_with_fee = U256::from(amount_in) * U256::from(PPM - fee);
    let numerator = in_with_fee * U256::from(reserve_out);
    let denominator = U256::from(reserve_in) * U256::from(PPM) + in_with_fee;
    narrow(numerator / denominator)
}

/// Input an exact-out swap needs, rounded against the trader:
/// `⌊R_in·out·10⁶ / ((R_out − out)·(10⁶−fee))⌋ + 1` (Uniswap v2's `getAmountIn`).
/// `None` when `out` is zero or not below `R_out`.
pub fn amount_in(amount_out: u128, reserve_in: u128, reserve_out: u128, fee_ppm: u32) -> Option<u128> {
    let fee = fee_ppm as u128;
    if amount_out == 0 || amount_out >= reserve_out || reserve_in == 0 || fee >= PPM {
        return None;
    }
    let numerator = U256::from(reserve_in) * U256::from(amount_out) * U256::from(PPM);
    let denominator = U256::from(reserve_out - amount_out) * U256::from(PPM - fee);
    narrow(numerator / denominator + 1)
}

/// Shares minted by the first deposit: `⌊√(x·y)⌋ − MIN_LIQUIDITY` (the locked part
/// is minted to nobody). `None` when the deposit is too small to cover the lock.
pub fn initial_shares(x: u128, y: u128) -> Option<u128> {
    let root = isqrt(U256::from(x) * U256::from(y));
    narrow(root)?.checked_sub(MIN_LIQUIDITY).filter(|s| *s > 0)
}

fn ceil_sqrt_wad(v: u128) -> u128 {
    // √(v/WAD) in WAD = √(v·WAD), rounded up.
    let n = U256::from(v) * U256::from(WAD);
    let r = isqrt(n);
    let r = if r * r < n { r + 1 } else { r };
    r.as_u128()
}

/// `2^(−2^(−i))` in WAD for i = 1…64, each rounded up (by repeated square roots of ½).
fn halving_roots() -> &'static [u128; 64] {
    static TABLE: OnceLock<[u128; 64]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [0u128; 64];
        let mut c = ceil_sqrt_wad(WAD / 2);
        for slot in t.iter_mut() {
            *slot = c;
            c = ceil_sqrt_wad(c);
        }
        t
    })
}

/// `2^(−elapsed / half_life)` in WAD, rounded **up** (less decay than exact), never
/// above `WAD` and never below 1. `half_life = 0` means no decay (`WAD`).
pub fn decay_factor(elapsed: u64, half_life: u64) -> u128 {
    if half_life == 0 || elapsed == 0 {
        return WAD;
    }
    let halvings = elapsed / half_life;
    let rest = elapsed % half_life;
    // The fractional exponent as 64 binary digits, most significant first.
    let frac = ((rest as u128) << 64) / half_life as u128;
    let mut f = WAD;
    for (i, root) in halving_roots().iter().enumerate() {
        if frac & (1u128 << (63 - i)) != 0 {
            // Both factors are ≤ WAD < 2⁶⁰, so the product fits u128.
            f = (f * root).div_ceil(WAD);
        }
    }
    if halvings >= 127 {
        return 1;
    }
    f.div_ceil(1u128 << halvings).max(1)
}

/// The virtual quote `v` after `elapsed` seconds of decay: the spot price `v/x`
/// keeps `floor_wad` (quote per slot, WAD) and loses its premium above it by
/// [`decay_factor`]: `v' = ⌈x·floor + (v − x·floor)·d⌉`, never above `v`. A price
/// at or below the floor does not move. `None` on overflow.
pub fn decayed_virtual_quote(v: u128, x: u128, floor_wad: u128, elapsed: u64, half_life: u64) -> Option<u128> {
    let floor_value = mul_div_up(x, floor_wad, WAD)?;
    if v <= floor_value {
        return Some(v);
    }
    let premium = mul_div_up(v - floor_value, decay_factor(elapsed, half_life), WAD)?;
    Some(floor_value.checked_add(premium)?.min(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const E18: u128 = WAD;

    /// Uniswap v2 `UniswapV2Pair.spec.ts` swapTestCases `[in, R0, R1, out]` (×10¹⁸).
    #[test]
    fn reproduces_uniswap_v2_get_amount_out_vectors() {
        let cases: [(u128, u128, u128, u128); 7] = [
            (1, 5, 10, 1_662_497_915_624_478_906),
            (1, 10, 5, 453_305_446_940_074_565),
            (2, 5, 10, 2_851_015_155_847_869_602),
            (2, 10, 5, 831_248_957_812_239_453),
            (1, 10, 10, 906_610_893_880_149_131),
            (1, 100, 100, 987_158_034_397_061_298),
            (1, 1000, 1000, 996_006_981_039_903_216),
        ];
        for (a, r_in, r_out, expected) in cases {
            assert_eq!(
                amount_out(a * E18, r_in * E18, r_out * E18, 3_000),
                Some(expected),
                "{a} into ({r_in}, {r_out})"
            );
        }
    }

    #[test]
    fn reproduces_uniswap_v2_get_amount_in() {
        assert_eq!(amount_in(E18, 5 * E18, 5 * E18, 3_000), Some(1_253_761_283_851_554_664));
        assert_eq!(amount_in(5 * E18, 5 * E18, 5 * E18, 3_000), None, "cannot drain the pool");
    }

    proptest! {
        #[test]
        fn isqrt_is_the_floor_root(n in any::<u128>(), m in any::<u128>()) {
            let v = U256::from(n) * U256::from(m);
            let r = isqrt(v);
            prop_assert!(r * r <= v);
            prop_assert!((r + 1).checked_mul(r + 1).is_none_or(|s| s > v));
        }
    }

    #[test]
    fn first_deposit_locks_minimum_liquidity() {
        assert_eq!(initial_shares(E18, 4 * E18), Some(2 * E18 - MIN_LIQUIDITY));
        assert_eq!(initial_shares(1_000, 1_000), None);
    }

    #[test]
    fn decay_halves_per_half_life() {
        assert_eq!(decay_factor(0, 3_600), WAD);
        assert_eq!(decay_factor(3_600, 3_600), WAD / 2);
        assert_eq!(decay_factor(7_200, 3_600), WAD / 4);
        // √½ = 0.70710678118654752440…, rounded up in the last place at most a few units.
        let half_way = decay_factor(1_800, 3_600);
        assert!((707_106_781_186_547_524..=707_106_781_186_547_530).contains(&half_way), "{half_way}");
        // A price of 3 with floor 1 and 100 slots: after one half-life the premium halves.
        assert_eq!(decayed_virtual_quote(300, 100, WAD, 3_600, 3_600), Some(200));
        assert_eq!(decayed_virtual_quote(80, 100, WAD, 3_600, 3_600), Some(80), "below the floor: no change");
    }

    proptest! {
        /// The invariant never decreases across a swap, and the output rounds down.
        #[test]
        fn swaps_never_lower_k(a in 1u128..1u128 << 80, r_in in 1_000u128..1u128 << 90, r_out in 1_000u128..1u128 << 90, fee in 0u32..10_000) {
            if let Some(out) = amount_out(a, r_in, r_out, fee) {
                prop_assert!(out < r_out);
                let before = U256::from(r_in) * U256::from(r_out);
                let after = U256::from(r_in + a) * U256::from(r_out - out);
                prop_assert!(after >= before);
            }
        }

        /// Bigger trades get more out but a worse average price; exact-out needs at
        /// least what exact-in would give back.
        #[test]
        fn prices_move_monotonically(a in 1u128..1u128 << 70, b in 1u128..1u128 << 70, r_in in 1_000u128..1u128 << 80, r_out in 1_000u128..1u128 << 80) {
            let (small, large) = (a.min(b), a.max(b));
            let (o1, o2) = (amount_out(small, r_in, r_out, 3_000).unwrap(), amount_out(large, r_in, r_out, 3_000).unwrap());
            prop_assert!(o1 <= o2);
            prop_assert!(U256::from(o2) * U256::from(small) <= U256::from(o1 + 1) * U256::from(large));
            if o1 > 0 {
                let needed = amount_in(o1, r_in, r_out, 3_000).unwrap();
                prop_assert!(needed <= small, "exact-out of what `small` buys costs at most `small`");
                prop_assert!(amount_out(needed, r_in, r_out, 3_000).unwrap() >= o1, "and paying it yields at least that");
            }
        }

        /// Decay never raises the price, never drops it below the floor, and more
        /// elapsed time never means less decay.
        #[test]
        fn decay_is_bounded_and_monotone(v in 1u128..1u128 << 100, x in 1u128..1u128 << 60, floor in 0u128..10 * WAD, t1 in 0u64..1_000_000, t2 in 0u64..1_000_000, h in 1u64..100_000) {
            let (early, late) = (t1.min(t2), t1.max(t2));
            let a = decayed_virtual_quote(v, x, floor, early, h).unwrap();
            let b = decayed_virtual_quote(v, x, floor, late, h).unwrap();
            prop_assert!(b <= a && a <= v);
            let floor_value = mul_div_up(x, floor, WAD).unwrap();
            prop_assert!(b >= v.min(floor_value));
            prop_assert!(decay_factor(late, h) <= decay_factor(early, h));
        }
    }
}
