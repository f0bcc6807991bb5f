//! The energy manager's 48-hour LP for one device (battery, PV, household load,
//! flexible compute, price and carbon). Target (issue 6): ≤ 20 ms per device.

use criterion::{criterion_group, criterion_main, Criterion};
use greenhour_energy::battery::Battery;
use greenhour_energy::data::{self, embedded};
use greenhour_energy::dispatch::{plan, Window};

fn window(hours: usize) -> Window {
    let prices: Vec<f64> = data::prices(embedded::SMARD_2018.0, embedded::SMARD_2018.1).unwrap()[4_000..4_000 + hours]
        .iter()
        .map(|p| p.eur_per_mwh)
        .collect();
    let pv: Vec<f64> = (0..hours).map(|h| if (8..18).contains(&(h % 24)) { 2_500.0 } else { 0.0 }).collect();
    Window {
        export_price: prices.iter().map(|p| p * 0.8).collect(),
        carbon: (0..hours).map(|h| 300.0 + 100.0 * ((h % 24) as f64 / 24.0)).collect(),
        carbon_weight: 0.05,
        import_price: prices,
        pv_wh: pv,
        load_wh: vec![500.0; hours],
        compute_wh: 12_000.0 * hours as f64 / 48.0,
        compute_min_wh: vec![0.0; hours],
        compute_max_wh: vec![980.0; hours],
        import_max_wh: 11_000.0,
        export_max_wh: 11_000.0,
        ev: Vec::new(),
    }
}

fn dispatch(c: &mut Criterion) {
    let b = Battery::home();
    let w = window(48);
    c.bench_function("energy_manager_lp_48h", |bench| bench.iter(|| plan(&b, 5_000.0, &w).unwrap()));
    // The same with a car plugged in 18:00–07:00 for 10 kWh, twice.
    let mut car = window(48);
    car.ev = [18, 42]
        .iter()
        .filter(|first| *first + 13 <= 48)
        .map(|first| greenhour_energy::dispatch::EvNeed {
            first: *first,
            end: first + 13,
            energy_wh: 10_000.0,
            max_wh: 7_400.0,
        })
        .collect();
    c.bench_function("energy_manager_lp_48h_with_car", |bench| bench.iter(|| plan(&b, 5_000.0, &car).unwrap()));
    // What a fleet device plans: every hour offered, so compute is fixed and the
    // LP schedules battery and grid alone.
    for hours in [24, 48] {
        let mut fixed = window(hours);
        fixed.compute_min_wh = vec![980.0; hours];
        fixed.compute_max_wh = vec![980.0; hours];
        fixed.compute_wh = 980.0 * hours as f64;
        c.bench_function(&format!("energy_manager_lp_{hours}h_compute_fixed"), |bench| {
            bench.iter(|| plan(&b, 5_000.0, &fixed).unwrap())
        });
    }
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
