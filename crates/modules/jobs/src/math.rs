//! Pure integer arithmetic of jobs: result commitments, the audit draw, payout
//! splits, the matcher's score and the SCI sums. Rounding is named and always
//! goes against the party being paid.

use crate::state::JobId;
use greenhour_devices::DeviceId;
use greenhour_primitives::fixed::{mul_div_down, mul_div_up, BPS};
use greenhour_primitives::{Amount, Hash};
use std::cmp::{Ordering, Reverse};

/// The hash a result is known by.
pub fn output_hash(output: &[u8]) -> Hash {
    Hash::digest_parts(&[b"greenhour/job-output", output])
}

/// What a `Redundant` replica commits to: bound to the job and the device, so a
/// replica cannot reuse another's commitment, and hiding the output until reveal.
pub fn commitment(job: JobId, device: DeviceId, output_hash: &Hash) -> Hash {
    Hash::digest_parts(&[b"greenhour/job-result", &job.0.to_be_bytes(), &device.0.to_be_bytes(), &output_hash.0])
}

/// A uniform draw in `0..10_000` from the block beacon for one job: the reveal is
/// audited when the draw is below the job's `sample_bps`.
pub fn audit_draw(beacon: &Hash, job: JobId) -> u32 {
    let h = Hash::digest_parts(&[b"greenhour/job-audit", &beacon.0, &job.0.to_be_bytes()]);
    let mut first = [0u8; 8];
    first.copy_from_slice(&h.0[..8]);
    (u64::from_be_bytes(first) % BPS as u64) as u32
}

/// `total` split evenly over `parts`: each part's share and the remainder
/// (which stays with the payer).
pub fn split_even(total: Amount, parts: u32) -> (Amount, Amount) {
    let parts = parts.max(1) as Amount;
    (total / parts, total % parts)
}

/// A payout less the protocol fee: `(net, fee)`, the fee rounded up.
pub fn less_fee(amount: Amount, fee_bps: u32) -> Option<(Amount, Amount)> {
    let fee = mul_div_up(amount, fee_bps as u128, BPS)?.min(amount);
    Some((amount - fee, fee))
}

/// A slashed bond: `(reward, insurance)`, the reward rounded down.
pub fn split_slash(bond: Amount, reward_bps: u32) -> Option<(Amount, Amount)> {
    let reward = mul_div_down(bond, reward_bps.min(10_000) as u128, BPS)?;
    Some((reward, bond - reward))
}

/// The output hash a strict majority of `k` replicas revealed, if any.
pub fn majority(revealed: &[Hash], k: u32) -> Option<Hash> {
    let mut sorted = revealed.to_vec();
    sorted.sort();
    sorted.chunk_by(|a, b| a == b).find(|run| run.len() as u64 * 2 > k as u64).map(|run| run[0])
}

/// How the matcher ranks feasible assignments of one job: more green GPU-hours
/// (the chosen devices' measured green share × their GPU-hours, in bps·GPU-hours)
/// first, then lower cost in the quote, then an earlier start. A solver's
/// assignment is compared with the same order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score {
    pub green_bps_gpu_hours: u64,
    pub cost: Amount,
    pub start_hour: u64,
}

impl Score {
    fn key(&self) -> (u64, Reverse<Amount>, Reverse<u64>) {
        (self.green_bps_gpu_hours, Reverse(self.cost), Reverse(self.start_hour))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A replica's share of a device-hour's metered energy: `compute_wh · gpus /
/// gpu_count`, rounded up (a report never understates a job's energy).
pub fn energy_share(compute_wh: u64, gpus: u32, gpu_count: u32) -> u64 {
    if gpu_count == 0 {
        return compute_wh;
    }
    let share = (compute_wh as u128 * gpus.min(gpu_count) as u128).div_ceil(gpu_count as u128);
    share as u64
}

/// SCI numerators in mg CO2e: `(E·I + M, (E − green)·I + M)`. Wh × g/kWh = mg.
pub fn sci_mg(energy_wh: u64, green_wh: u64, grid_g_per_kwh: u64, embodied_mg: u64) -> Option<(u64, u64)> {
    let location = energy_wh.checked_mul(grid_g_per_kwh)?.checked_add(embodied_mg)?;
    let market = energy_wh.saturating_sub(green_wh).checked_mul(grid_g_per_kwh)?.checked_add(embodied_mg)?;
    Some((location, market))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn majority_needs_more_than_half_of_k() {
        let (a, b) = (Hash::digest(b"a"), Hash::digest(b"b"));
        assert_eq!(majority(&[a, a, b], 3), Some(a));
        assert_eq!(majority(&[a, b], 3), None, "two of three revealed, split");
        assert_eq!(majority(&[a, a], 3), Some(a), "two of three agree even if one is silent");
        assert_eq!(majority(&[a, b], 2), None);
        assert_eq!(majority(&[a], 2), None);
    }

    #[test]
    fn score_prefers_green_then_cheap_then_early() {
        let s = |g, c, h| Score { green_bps_gpu_hours: g, cost: c, start_hour: h };
        assert!(s(10, 500, 9) > s(9, 1, 1));
        assert!(s(10, 5, 9) > s(10, 6, 1));
        assert!(s(10, 5, 1) > s(10, 5, 2));
    }

    #[test]
    fn commitments_bind_job_and_device() {
        let out = output_hash(b"tile");
        assert_ne!(commitment(JobId(1), DeviceId(1), &out), commitment(JobId(1), DeviceId(2), &out));
        assert_ne!(commitment(JobId(1), DeviceId(1), &out), commitment(JobId(2), DeviceId(1), &out));
    }

    proptest! {
        #[test]
        fn payout_splits_conserve(amount in 0u128..u64::MAX as u128, bps in 0u32..=10_000, parts in 1u32..9) {
            let (net, fee) = less_fee(amount, bps).unwrap();
            prop_assert_eq!(net + fee, amount);
            prop_assert!(fee * 10_000 >= amount * bps as u128, "fee rounds up");
            let (reward, insurance) = split_slash(amount, bps).unwrap();
            prop_assert_eq!(reward + insurance, amount);
            prop_assert!(reward * 10_000 <= amount * bps as u128, "reward rounds down");
            let (share, rest) = split_even(amount, parts);
            prop_assert_eq!(share * parts as u128 + rest, amount);
            prop_assert!(rest < parts as u128);
        }

        #[test]
        fn audit_draw_is_in_range_and_deterministic(seed in any::<[u8; 32]>(), job in any::<u64>()) {
            let beacon = Hash::digest(seed);
            let d = audit_draw(&beacon, JobId(job));
            prop_assert!(d < 10_000);
            prop_assert_eq!(d, audit_draw(&beacon, JobId(job)));
        }

        #[test]
        fn market_based_never_exceeds_location_based(e in 0u64..10_000_000, g in 0u64..20_000_000, i in 0u64..2_000, m in 0u64..1_000_000) {
            let (loc, market) = sci_mg(e, g, i, m).unwrap();
            prop_assert!(market <= loc);
            prop_assert!(market >= m);
        }
    }
}
