//! PoGCS voting power, the one-third cap, and share arithmetic (rounding
//! against the caller).

use crate::params::POWER_UNIT;

/// `stake × (1 + green / normaliser)` in power units (thousandths of GHR),
/// rounded down: `stake · (N + g) / (N · 10³)` with stake in ughr.
pub fn raw_power(stake_ughr: u128, green_milli: u64, normaliser_milli: u64) -> u64 {
    let n = normaliser_milli.max(1) as u128;
    let scaled = stake_ughr.saturating_mul(n + green_milli as u128) / n / POWER_UNIT;
    scaled.min(u64::MAX as u128) as u64
}

/// Caps powers so that with four or more members nobody holds a third or more
/// of the capped total. Finds the largest cap `C` with `3C < Σ min(pᵢ, C)` by
/// lowering `C` from the largest power (each step keeps the inequality for
/// the current sum; the sum shrinks slower than `C`, so it stops). With fewer
/// than four members no cap can hold (three equal validators hold a third
/// each) and BFT tolerates no fault anyway, so powers are left as they are.
pub fn cap_below_third(powers: &[u64]) -> Vec<u64> {
    if powers.iter().filter(|p| **p > 0).count() < 4 {
        return powers.to_vec();
    }
    let sum_capped = |c: u64| powers.iter().map(|p| (*p).min(c) as u128).sum::<u128>();
    let mut cap = powers.iter().copied().max().unwrap_or(0);
    loop {
        let total = sum_capped(cap);
        if 3 * cap as u128 <= total.saturating_sub(1) {
            break;
        }
        let lower = ((total - 1) / 3) as u64;
        if lower >= cap {
            break;
        }
        cap = lower;
    }
    powers.iter().map(|p| (*p).min(cap)).collect()
}

/// Shares for `amount` bonded to a validator with `tokens` and `shares`,
/// rounded down (the delegator never gets more than it paid for).
pub fn to_shares_down(amount: u128, tokens: u128, shares: u128) -> Option<u128> {
    if tokens == 0 || shares == 0 {
        Some(amount)
    } else {
        amount.checked_mul(shares).map(|x| x / tokens)
    }
}

/// Shares to burn to take `amount` out, rounded up (against the delegator).
pub fn to_shares_up(amount: u128, tokens: u128, shares: u128) -> Option<u128> {
    if tokens == 0 {
        return None;
    }
    amount.checked_mul(shares).map(|x| x.div_ceil(tokens))
}

/// Tokens that `shares` are worth, rounded down.
pub fn to_tokens_down(shares: u128, tokens: u128, total_shares: u128) -> u128 {
    shares.saturating_mul(tokens).checked_div(total_shares).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_examples() {
        // 1,000 GHR with no green work: 1,000,000 milli-GHR of power; 100 GPU-h at a
        // normaliser of 100 doubles it.
        assert_eq!(raw_power(1_000_000_000, 0, 100_000), 1_000_000);
        assert_eq!(raw_power(1_000_000_000, 100_000, 100_000), 2_000_000);
        // One whale and three minnows: everyone ends at 1.
        assert_eq!(cap_below_third(&[100, 1, 1, 1]), vec![1, 1, 1, 1]);
        // Equal validators are untouched.
        assert_eq!(cap_below_third(&[10, 10, 10, 10]), vec![10, 10, 10, 10]);
        // Three validators: no cap is possible.
        assert_eq!(cap_below_third(&[50, 10, 10]), vec![50, 10, 10]);
        // A validator with half the raw stake is capped below a third.
        let capped = cap_below_third(&[500, 200, 150, 100, 50]);
        let total: u64 = capped.iter().sum();
        assert!(capped.iter().all(|p| 3 * p < total), "{capped:?}");
        assert_eq!(&capped[1..], &[200, 150, 100, 50]);
    }

    proptest! {
        #[test]
        fn nobody_reaches_a_third_and_order_is_kept(powers in proptest::collection::vec(1u64..1_000_000_000, 4..40)) {
            let capped = cap_below_third(&powers);
            let total: u128 = capped.iter().map(|p| *p as u128).sum();
            prop_assert!(capped.iter().all(|p| 3 * (*p as u128) < total));
            for (raw, c) in powers.iter().zip(&capped) {
                prop_assert!(c <= raw);
            }
            for i in 0..powers.len() {
                for j in 0..powers.len() {
                    if powers[i] >= powers[j] {
                        prop_assert!(capped[i] >= capped[j]);
                    }
                }
            }
        }

        #[test]
        fn shares_round_against_the_delegator(amount in 1u128..1u128 << 40, tokens in 1u128..1u128 << 40, shares in 1u128..1u128 << 40) {
            let bought = to_shares_down(amount, tokens, shares).unwrap();
            prop_assert!(to_tokens_down(bought, tokens + amount, shares + bought) <= amount);
            // Taking tokens out burns at least their exact share.
            let out = amount.min(tokens);
            let burn = to_shares_up(out, tokens, shares).unwrap();
            prop_assert!(burn * tokens >= out * shares);
        }
    }
}
