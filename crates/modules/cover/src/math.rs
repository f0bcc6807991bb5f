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

/// An event's price, bps of the sum insured: the base rate, plus the expected
/// loss (a device's own downtime share over the window: one down an hour in seven
/// costs about 14 %; a job's chance of the peril from the record), plus the
/// utilisation slope taken at the pool's utilisation after the sale (Nexus
/// Mutual's surge as capacity runs out).
pub fn rate_bps(base_bps: u32, loss_bps: u32, slope_bps: u32, utilisation_after_bps: u128) -> u128 {
    u128::from(base_bps)
        + u128::from(loss_bps)
        + mul_div_up(u128::from(slope_bps), utilisation_after_bps.min(BPS), BPS).unwrap_or(0)
}

/// The premium for `events` events of `sum` each at `rate_bps`, rounded up.
pub fn premium(sum: u128, events: u32, rate_bps: u128) -> Option<u128> {
    mul_div_up(sum.checked_mul(u128::from(events))?, rate_bps, BPS)
}

/// The chance of a bad outcome, bps, from a record of `bad` in `total` jobs and a
/// prior of one in `prior_jobs` weighted as that many jobs (a Beta prior's mean,
/// `(bad + 1) / (total + prior_jobs)`): a new chain or buyer pays the prior, a long
/// clean record pays less, a record of failures pays its rate.
pub fn job_loss_bps(bad: u64, total: u64, prior_jobs: u32) -> u32 {
    let num = u128::from(bad.min(total)) + 1;
    let den = u128::from(total) + u128::from(prior_jobs.max(1));
    (mul_div_up(num, BPS, den).unwrap_or(BPS)).min(BPS) as u32
}

/// Fixed point of the stakers' GHR accumulator.
pub const WAD: u128 = 1_000_000_000_000_000_000;

/// The accumulator after `received` GHR is shared over `shares` (rounded down:
/// the dust stays in the module, so what stakers may claim never exceeds what it holds).
pub fn accrue(per_share_wad: u128, received: u128, shares: u128) -> Option<u128> {
    per_share_wad.checked_add(mul_div_down(received, WAD, shares)?)
}

/// GHR `shares` have earned at accumulator `per_share_wad` since zero.
pub fn earned(shares: u128, per_share_wad: u128) -> Option<u128> {
    mul_div_down(shares, per_share_wad, WAD)
}

/// The debt a stake of `shares` carries at accumulator `per_share_wad`: what
/// it has earned since zero, rounded **up**. Rounding the debt down as well as the
/// earnings would let each holder gain up to one ughr on a later claim (the
/// floors of two products differ by more than the floor of their difference),
/// so that stakers together could be owed more than the module received.
pub fn debt(shares: u128, per_share_wad: u128) -> Option<u128> {
    mul_div_up(shares, per_share_wad, WAD)
}

/// Whether a stake's debt is one its shares could carry: at most one ughr over
/// what they have earned (the rounding of [`debt`]).
pub fn debt_is_covered(shares: u128, per_share_wad: u128, debt: u128) -> bool {
    earned(shares, per_share_wad).is_some_and(|e| debt <= e.saturating_add(1))
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

        /// A job's expected loss rises with its bad outcomes, never exceeds
        /// certainty, and a clean record lowers it below the prior.
        #[test]
        fn job_loss_follows_the_record(bad in 0u64..1_000, total in 0u64..1_000, prior in 2u32..100) {
            let total = total.max(bad);
            let l = job_loss_bps(bad, total, prior);
            prop_assert!(l <= 10_000);
            prop_assert!(job_loss_bps(bad, total + 1, prior) <= l);
            prop_assert!(job_loss_bps(bad + 1, total + 1, prior) >= job_loss_bps(bad, total + 1, prior));
            prop_assert!(job_loss_bps(0, total, prior) <= job_loss_bps(0, 0, prior));
        }

        /// Rewards: however GHR arrives and shares move, what the stakers have
        /// earned never exceeds what was received.
        #[test]
        fn rewards_never_exceed_receipts(stakes in proptest::collection::vec((1u128..1u128 << 60, 0u128..1u128 << 50), 1..8)) {
            let (mut acc, mut total_shares, mut received) = (0u128, 0u128, 0u128);
            let mut held: Vec<(u128, u128)> = Vec::new(); // (shares, debt)
            for (shares, reward) in stakes {
                held.push((shares, debt(shares, acc).unwrap()));
                total_shares += shares;
                acc = accrue(acc, reward, total_shares).unwrap();
                received += reward;
            }
            let owed: u128 = held.iter().map(|(s, d)| earned(*s, acc).unwrap().saturating_sub(*d)).sum();
            prop_assert!(owed <= received);
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
