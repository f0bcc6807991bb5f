//! Integer arithmetic of storage backing and hourly matching.

use crate::state::HourUsage;
use serde::{Deserialize, Serialize};

/// A storage-discharge certificate from `available_wh` of locked charging
/// certificates at round-trip efficiency `efficiency_bps`:
/// `discharge = min(discharged, ⌊available · eff / 10⁴⌋)` and the charging Wh it
/// consumes, `consumed = ⌈discharge · 10⁴ / eff⌉ ≤ available` (rounding against
/// the claimant: the discharge never exceeds what its backing covers).
pub fn discharge_backing(discharged_wh: u64, available_wh: u64, efficiency_bps: u32) -> (u64, u64) {
    if efficiency_bps == 0 {
        return (0, 0);
    }
    let eff = efficiency_bps as u128;
    let coverable = (available_wh as u128 * eff / 10_000) as u64;
    let discharge = discharged_wh.min(coverable);
    let consumed = (discharge as u128 * 10_000).div_ceil(eff) as u64;
    (discharge, consumed)
}

/// `part / whole` in basis points, rounded down; 0 when `whole` is 0.
pub fn share_bps_down(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        0
    } else {
        ((part as u128 * 10_000) / whole as u128).min(10_000) as u32
    }
}

/// One hour of a 24/7 matching report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourMatch {
    pub hour: u64,
    pub consumed_wh: u64,
    pub claimed_wh: u64,
    /// `min(consumed, claimed)`: consumption covered by certificates of the same hour.
    pub matched_wh: u64,
}

/// An account's hourly (24/7) matching over a window, with the annual-volume
/// view beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchReport {
    pub from_hour: u64,
    pub to_hour: u64,
    /// Hours with consumption or claims, in order.
    pub hours: Vec<HourMatch>,
    pub consumed_wh: u64,
    pub claimed_wh: u64,
    pub matched_wh: u64,
    /// `Σ min(consumed_h, claimed_h) / Σ consumed_h`, basis points.
    pub hourly_score_bps: u32,
    /// `min(Σ claimed, Σ consumed) / Σ consumed`, basis points: what annual
    /// matching would report for the same certificates.
    pub volume_score_bps: u32,
}

/// Builds the report from an account's usage rows (hours without a row are zero).
pub fn match_report(from_hour: u64, to_hour: u64, rows: &[(u64, HourUsage)]) -> MatchReport {
    let mut hours = Vec::with_capacity(rows.len());
    let (mut consumed, mut claimed, mut matched) = (0u64, 0u64, 0u64);
    for (hour, u) in rows {
        let c = u.consumed_wh();
        let m = c.min(u.claimed_wh);
        consumed = consumed.saturating_add(c);
        claimed = claimed.saturating_add(u.claimed_wh);
        matched = matched.saturating_add(m);
        hours.push(HourMatch { hour: *hour, consumed_wh: c, claimed_wh: u.claimed_wh, matched_wh: m });
    }
    MatchReport {
        from_hour,
        to_hour,
        hours,
        consumed_wh: consumed,
        claimed_wh: claimed,
        matched_wh: matched,
        hourly_score_bps: share_bps_down(matched, consumed),
        volume_score_bps: share_bps_down(claimed.min(consumed), consumed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_examples() {
        // 1,000 Wh stored at 90 %: at most 900 Wh of discharge, consuming all 1,000.
        assert_eq!(discharge_backing(2_000, 1_000, 9_000), (900, 1_000));
        // 450 Wh discharged consumes ⌈450 / 0.9⌉ = 500 Wh.
        assert_eq!(discharge_backing(450, 1_000, 9_000), (450, 500));
        // 1 Wh consumes ⌈1.11⌉ = 2 Wh.
        assert_eq!(discharge_backing(1, 1_000, 9_000), (1, 2));
        assert_eq!(discharge_backing(500, 0, 9_000), (0, 0));
        let usage = |job, declared, claimed| HourUsage { job_wh: job, declared_wh: declared, claimed_wh: claimed };
        // Noon surplus cannot cover the night: hourly 50 %, annual volume 100 %.
        let r = match_report(0, 24, &[(12, usage(1_000, 0, 2_000)), (22, usage(0, 1_000, 0))]);
        assert_eq!((r.matched_wh, r.hourly_score_bps, r.volume_score_bps), (1_000, 5_000, 10_000));
        assert_eq!(match_report(0, 24, &[]).hourly_score_bps, 0);
    }

    proptest! {
        #[test]
        fn discharge_never_exceeds_its_backing(d in 0u64..10_000_000, a in 0u64..10_000_000, eff in 1u32..=10_000) {
            let (discharge, consumed) = discharge_backing(d, a, eff);
            prop_assert!(discharge <= d);
            prop_assert!(consumed <= a);
            // The discharge is covered by what it consumed, at the efficiency.
            prop_assert!(discharge as u128 * 10_000 <= consumed as u128 * eff as u128);
        }

        #[test]
        fn hourly_matching_never_beats_annual(rows in proptest::collection::vec((0u64..1_000, 0u64..1_000, 0u64..1_000), 0..48)) {
            let rows: Vec<(u64, HourUsage)> = rows.into_iter().enumerate()
                .map(|(h, (j, d, c))| (h as u64, HourUsage { job_wh: j, declared_wh: d, claimed_wh: c }))
                .collect();
            let r = match_report(0, 48, &rows);
            prop_assert!(r.hourly_score_bps <= r.volume_score_bps);
            prop_assert!(r.matched_wh <= r.consumed_wh.min(r.claimed_wh));
        }
    }
}
