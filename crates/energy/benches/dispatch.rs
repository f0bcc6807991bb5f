//! The energy manager's 48-hour LP for one device (battery, PV, household load,
//! flexible compute, price and carbon). Target (issue 6): ≤ 20 ms per device.

use criterion::{criterion_group, criterion_main, Criterion};
use greenhour_energy::battery::Battery;
use greenhour_energy::data::{self, embedded};
use greenhour_energy::dispatch::{plan, Window};

fn window() -> Window {
    let prices: Vec<f64> = data::prices(embedded::SMARD_2018.0, embedded::SMARD_2018.1).unwrap()[4_000..4_048]
        .iter()
        .map(|p| p.eur_per_mwh)
        .collect();
    let pv: Vec<f64> = (0..48).map(|h| if (8..18).contains(&(h % 24)) { 2_500.0 } else { 0.0 }).collect();
    Window {
        export_price: prices.iter().map(|p| p * 0.8).collect(),
        carbon: (0..48).map(|h| 300.0 + 100.0 * ((h % 24) as f64 / 24.0)).collect(),
        carbon_weight: 0.05,
        import_price: prices,
        pv_wh: pv,
        load_wh: vec![500.0; 48],
        compute_wh: 12_000.0,
        compute_max_wh: 980.0,
        import_max_wh: 11_000.0,
        export_max_wh: 11_000.0,
    }
}

fn dispatch(c: &mut Criterion) {
    let w = window();
    let b = Battery::home();
    c.bench_function("energy_manager_lp_48h", |bench| bench.iter(|| plan(&b, 5_000.0, &w).unwrap()));
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
