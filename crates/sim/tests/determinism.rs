//! The simulated physics is a function of its inputs: two runs of the same device
//! over the same two days — its energy manager forecasting, planning with the LP
//! and running the battery on the plan, as in the fleet — give the same hours and
//! the same plans, to the Wh.

use greenhour_agent::{EnergyManager, ManagerConfig};
use greenhour_energy::battery::Battery;
use greenhour_energy::data::{self, embedded};
use greenhour_energy::device::{EvSession, GpuBox};
use greenhour_sim::physics::{DeviceSpec, HourEnergy, SiteProfile};
use std::sync::Arc;

fn two_days(site: &SiteProfile, first_hour: u64) -> (Vec<HourEnergy>, u64) {
    let spec = DeviceSpec {
        pv_w: 5_000.0,
        battery: Battery::home(),
        gpu: GpuBox { gpu_count: 2, tdp_w: 450.0, idle_w: 60.0 },
        base_load_w: 400.0,
        ev: Some(EvSession { arrive: 18, depart: 7, energy_wh: 10_000.0, max_w: 7_400.0 }),
    };
    let prices: Vec<f64> =
        data::prices(embedded::SMARD_2018.0, embedded::SMARD_2018.1).unwrap().iter().map(|p| p.eur_per_mwh).collect();
    let config = ManagerConfig {
        spec,
        site: Arc::new(site.clone()),
        prices: prices.into(),
        grid_g_per_kwh: 380.0,
        compute_hours_per_day: 24,
        horizon_hours: 48,
        plan_lead_hours: 24,
    };
    let mut manager = EnergyManager::new(config, 0.0).unwrap();
    let pledged = [(first_hour, 48)];
    let hours = (first_hour..first_hour + 48)
        .map(|h| {
            if manager.needs_plan(h) {
                manager.replan(h, &pledged, None).unwrap();
            }
            manager.run_hour(h, true)
        })
        .collect();
    (hours, manager.plans_made)
}

#[test]
fn simulations_run_twice_agree_and_use_the_sun() {
    let site = data::weather(embedded::GREENSBORO.0, embedded::GREENSBORO.1).unwrap();
    let profile = SiteProfile::compute(&site).unwrap();
    let again = SiteProfile::compute(&site).unwrap();
    assert_eq!(profile, again);
    // 2026-06-21T00:00Z: a summer solstice in Greensboro.
    let first = 1_782_000_000 / 3_600;
    let (a, plans) = two_days(&profile, first);
    let (b, plans_again) = two_days(&again, first);
    assert_eq!(a, b);
    assert_eq!(plans, plans_again);
    assert!(plans >= 2, "a plan covers a day ahead at most 24 hours: {plans} plans in 48");
    for e in &a {
        assert_eq!(
            e.generated_wh + e.discharged_wh + e.imported_wh,
            e.house_wh + e.ev_wh + e.compute_wh + e.charged_wh + e.exported_wh
        );
    }
    let generated: u64 = a.iter().map(|e| e.generated_wh).sum();
    let expected: u64 =
        (first..first + 48).map(|h| (profile.pv_wh_per_kwp[profile.hour_of_year(h)] * 5.0).floor() as u64).sum();
    assert!(generated > 0 && generated == expected, "two June days of 5 kWp: {generated} Wh, profile {expected}");
    assert!(a.iter().any(|e| e.charged_wh > 0) && a.iter().any(|e| e.discharged_wh > 0), "the battery cycles");
    // 00:00 UTC is 19:00 in Greensboro: the car is plugged in (first seen: wanting
    // its full 10 kWh) until 07:00, comes back at 18:00 (hour 23) until 07:00 (hour
    // 36), and arrives again in the last hour. It leaves full each morning.
    let car = |hours: std::ops::Range<usize>| a[hours].iter().map(|e| e.ev_wh).sum::<u64>();
    assert!((9_999..=10_000).contains(&car(0..12)), "{}", car(0..12));
    assert!((9_999..=10_000).contains(&car(23..36)), "{}", car(23..36));
    assert_eq!(car(12..23) + car(36..47), 0, "nothing while the car is away");
    // The annual profile per kWp is the PVWatts year (≈ 1,340 kWh/kWp in Greensboro).
    let annual: f64 = profile.pv_wh_per_kwp.iter().sum::<f64>() / 1_000.0;
    assert!((annual - 1_340.1).abs() < 1.0, "{annual} kWh/kWp");
}
