//! Integer physics checks and the green-share attribution.

use crate::TelemetryReport;

/// `energy_wh ≤ power_w × seconds / 3600 × tolerance`, without rounding:
/// `energy_wh × 3600 × 1000 ≤ power_w × seconds × tolerance_permille`.
pub fn within_rating(energy_wh: u64, power_w: u64, seconds: u64, tolerance_permille: u32) -> bool {
    (energy_wh as u128) * 3_600 * 1_000 <= (power_w as u128) * (seconds as u128) * (tolerance_permille as u128)
}

/// Sinks (charge + export + compute) ≤ sources (generation + discharge + import) × tolerance.
pub fn balanced(r: &TelemetryReport, tolerance_permille: u32) -> bool {
    let sources = r.generated_wh as u128 + r.discharged_wh as u128 + r.imported_wh as u128;
    let sinks = r.charged_wh as u128 + r.exported_wh as u128 + r.compute_wh as u128;
    sinks * 1_000 <= sources * tolerance_permille as u128
}

/// The green part of one interval's compute energy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GreenSplit {
    /// PV energy that went into the battery this interval (charging draws on PV first).
    pub charged_from_pv_wh: u64,
    /// Compute energy attributed to PV (direct or via the battery), Wh, ≤ compute.
    pub green_compute_wh: u64,
    /// `green_compute_wh / compute_wh` in basis points; 0 when nothing was computed.
    pub share_bps: u32,
}

/// Attribution rule (documented in docs/spec/devices.md):
/// 1. charging draws on PV first: `pv_charge = min(charged, generated)`;
/// 2. export draws on the PV left: `pv_left = generated − pv_charge − min(exported, generated − pv_charge)`;
/// 3. discharge is green in the battery's lifetime PV mix (including this interval's charge),
///    rounded down: `green_discharge = discharged × pv_charged_total / charged_total`;
/// 4. compute draws on green energy first: `green = min(compute, pv_left + green_discharge)`.
pub fn green_split(r: &TelemetryReport, lifetime_charged_wh: u128, lifetime_charged_from_pv_wh: u128) -> GreenSplit {
    let pv_charge = r.charged_wh.min(r.generated_wh);
    let after_charge = r.generated_wh - pv_charge;
    let pv_left = after_charge - r.exported_wh.min(after_charge);
    let charged_total = lifetime_charged_wh + r.charged_wh as u128;
    let pv_total = lifetime_charged_from_pv_wh + pv_charge as u128;
    // No charge yet: the battery's mix is unknown, so none of its discharge counts as green.
    let green_discharge = (r.discharged_wh as u128 * pv_total).checked_div(charged_total).unwrap_or(0) as u64;
    let green = r.compute_wh.min(pv_left.saturating_add(green_discharge));
    let share_bps = share_bps_down(green, r.compute_wh);
    GreenSplit { charged_from_pv_wh: pv_charge, green_compute_wh: green, share_bps }
}

/// `part / whole` in basis points, rounded down; 0 when `whole` is 0 (no compute,
/// no green claim). `part ≤ whole` gives at most 10,000.
pub fn share_bps_down(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        0
    } else {
        ((part as u128 * 10_000) / whole as u128).min(u32::MAX as u128) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DeviceId;
    use proptest::prelude::*;

    fn report(generated: u64, charged: u64, discharged: u64, exported: u64, compute: u64) -> TelemetryReport {
        TelemetryReport {
            device: DeviceId(1),
            start: 0,
            end: 3_600,
            generated_wh: generated,
            charged_wh: charged,
            discharged_wh: discharged,
            imported_wh: 0,
            exported_wh: exported,
            compute_wh: compute,
            gpu_seconds: 0,
            soc_permille: 500,
            outage_before: false,
        }
    }

    #[test]
    fn worked_examples() {
        // 2 kWh of PV, 1 kWh compute, nothing else: all green.
        assert_eq!(green_split(&report(2_000, 0, 0, 0, 1_000), 0, 0).share_bps, 10_000);
        // Night: battery charged only from PV so far, 500 Wh discharged into 1 kWh compute: half green.
        let s = green_split(&report(0, 0, 500, 0, 1_000), 10_000, 10_000);
        assert_eq!((s.green_compute_wh, s.share_bps), (500, 5_000));
        // Battery mix 25 % PV.
        assert_eq!(green_split(&report(0, 0, 800, 0, 800), 4_000, 1_000).share_bps, 2_500);
        // PV all exported: nothing green for compute.
        assert_eq!(green_split(&report(1_000, 0, 0, 1_000, 500), 0, 0).share_bps, 0);
        // No compute: share 0, not a division by zero.
        assert_eq!(green_split(&report(1_000, 0, 0, 0, 0), 0, 0).share_bps, 0);
    }

    #[test]
    fn rating_bound_is_exact_at_the_edge() {
        // 5 kW for one hour with ×1.1: 5,500 Wh allowed, 5,501 not.
        assert!(within_rating(5_500, 5_000, 3_600, 1_100));
        assert!(!within_rating(5_501, 5_000, 3_600, 1_100));
        // A quarter hour.
        assert!(within_rating(1_375, 5_000, 900, 1_100));
        assert!(!within_rating(1_376, 5_000, 900, 1_100));
    }

    proptest! {
        #[test]
        fn green_is_bounded_and_never_exceeds_its_sources(
            g in 0u64..1_000_000, c in 0u64..1_000_000, d in 0u64..1_000_000, e in 0u64..1_000_000,
            k in 0u64..1_000_000, lc in 0u128..10_000_000, lp_frac in 0u128..=1_000,
        ) {
            let lp = lc * lp_frac / 1_000;
            let s = green_split(&report(g, c, d, e, k), lc, lp);
            prop_assert!(s.share_bps <= 10_000);
            prop_assert!(s.green_compute_wh <= k);
            prop_assert!(s.green_compute_wh <= g + d);
            prop_assert!(s.charged_from_pv_wh <= c.min(g));
        }

        #[test]
        fn more_pv_never_lowers_the_green_share(
            g in 0u64..1_000_000, extra in 0u64..1_000_000, d in 0u64..100_000, k in 1u64..1_000_000,
        ) {
            let a = green_split(&report(g, 0, d, 0, k), 1_000, 500);
            let b = green_split(&report(g + extra, 0, d, 0, k), 1_000, 500);
            prop_assert!(b.share_bps >= a.share_bps);
        }
    }
}
