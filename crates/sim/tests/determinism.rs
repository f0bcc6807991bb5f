//! The simulated physics is a function of its inputs: two runs of the same device
//! over the same two days give the same hours, to the Wh.

use greenhour_energy::battery::Battery;
use greenhour_energy::data::{self, embedded};
use greenhour_energy::device::{EvSession, GpuBox};
use greenhour_sim::physics::{simulate_hour, DeviceSpec, HourEnergy, SiteProfile};

fn two_days(site: &SiteProfile, first_hour: u64) -> Vec<HourEnergy> {
    let spec = DeviceSpec {
        pv_w: 5_000.0,
        battery: Battery::home(),
        gpu: GpuBox { gpu_count: 2, tdp_w: 450.0, idle_w: 60.0 },
        base_load_w: 400.0,
        ev: Some(EvSession { arrive: 18, depart: 7, energy_wh: 10_000.0, max_w: 7_400.0 }),
    };
    let mut soc = 0.0;
    (first_hour..first_hour + 48)
        .map(|h| {
            let pv = site.pv_wh_per_kwp[site.hour_of_year(h)] * spec.pv_w / 1_000.0;
            let e = simulate_hour(&spec, soc, pv, 1.0, (h % 24) as usize);
            soc = e.soc_wh;
            e
        })
        .collect()
}

#[test]
fn simulations_run_twice_agree_and_use_the_sun() {
    let site = data::weather(embedded::GREENSBORO.0, embedded::GREENSBORO.1).unwrap();
    let profile = SiteProfile::compute(&site).unwrap();
    let again = SiteProfile::compute(&site).unwrap();
    assert_eq!(profile, again);
    // 2026-06-21T00:00Z: a summer solstice in Greensboro.
    let first = 1_782_000_000 / 3_600;
    let a = two_days(&profile, first);
    let b = two_days(&again, first);
    assert_eq!(a, b);
    let generated: u64 = a.iter().map(|e| e.generated_wh).sum();
    let expected: u64 =
        (first..first + 48).map(|h| (profile.pv_wh_per_kwp[profile.hour_of_year(h)] * 5.0).floor() as u64).sum();
    assert!(generated > 0 && generated == expected, "two June days of 5 kWp: {generated} Wh, profile {expected}");
    assert!(a.iter().any(|e| e.charged_wh > 0) && a.iter().any(|e| e.discharged_wh > 0), "the battery cycles");
    assert_eq!(a.iter().map(|e| e.ev_wh).sum::<u64>(), 20_000, "the car takes its 10 kWh each night");
    // The annual profile per kWp is the PVWatts year (≈ 1,340 kWh/kWp in Greensboro).
    let annual: f64 = profile.pv_wh_per_kwp.iter().sum::<f64>() / 1_000.0;
    assert!((annual - 1_340.1).abs() < 1.0, "{annual} kWh/kWp");
}
