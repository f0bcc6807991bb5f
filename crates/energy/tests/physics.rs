//! The physics against its references: the SPA paper's example, pvlib's PVWatts
//! pipeline on the Greensboro TMY3 year, the data loaders' refusals, and the
//! dispatch LP's feasibility and bound.

use greenhour_energy::battery::Battery;
use greenhour_energy::data::{self, embedded};
use greenhour_energy::dispatch::{arbitrage_profit, forecast, plan, receding_horizon_arbitrage, PriceForecast, Window};
use greenhour_energy::solar::{sun_position, Observer, DELTA_T};
use greenhour_energy::{EnergyError, PvSystem};

#[test]
fn spa_reproduces_the_papers_example() {
    // Reda & Andreas (2004), table A4.1: 2003-10-17 12:30:30 at UTC−7.
    let observer = Observer { latitude: 39.742476, longitude: -105.1786, elevation: 1830.14 };
    let t = 1_066_419_030.0; // 2003-10-17T19:30:30Z
    let sun = sun_position(t, &observer, 820.0, 11.0, 67.0).unwrap();
    assert!((sun.apparent_zenith - 50.11162).abs() < 1e-4, "zenith {}", sun.apparent_zenith);
    assert!((sun.azimuth - 194.34024).abs() < 1e-4, "azimuth {}", sun.azimuth);
}

/// `(row, apparent zenith, azimuth, POA, cell temperature, AC W)` from pvlib.
fn reference() -> (f64, Vec<[f64; 6]>) {
    let text = include_str!("fixtures/pvwatts_greensboro.csv");
    let annual: f64 =
        text.lines().next().unwrap().rsplit("annual AC ").next().unwrap().trim_end_matches(" kWh").parse().unwrap();
    let rows = text
        .lines()
        .skip(2)
        .map(|l| {
            let v: Vec<f64> = l.split(',').map(|x| x.parse().unwrap()).collect();
            [v[0], v[1], v[2], v[3], v[4], v[5]]
        })
        .collect();
    (annual, rows)
}

#[test]
fn pv_model_reproduces_pvlib_pvwatts_on_the_greensboro_year() {
    let site = data::weather(embedded::GREENSBORO.0, embedded::GREENSBORO.1).unwrap();
    let system = PvSystem::pvwatts(5_000.0);
    system.validate().unwrap();
    let (annual_ref, rows) = reference();
    let mut annual_wh = 0.0;
    let mut outputs = Vec::with_capacity(8_760);
    for (i, h) in site.hours.iter().enumerate() {
        let t = site.mid_hour_unix(1990, i).unwrap();
        let sun = sun_position(t, &site.observer, h.pressure_mbar, h.irradiance.temp_air, DELTA_T).unwrap();
        let out = system.output(&sun, &h.irradiance);
        annual_wh += out.ac_w;
        outputs.push((sun, out));
    }
    for r in rows {
        let (sun, out) = outputs[r[0] as usize];
        assert!((sun.apparent_zenith - r[1]).abs() < 1e-3, "row {}: zenith {} vs {}", r[0], sun.apparent_zenith, r[1]);
        assert!((sun.azimuth - r[2]).abs() < 1e-3, "row {}: azimuth {} vs {}", r[0], sun.azimuth, r[2]);
        assert!((out.poa_global - r[3]).abs() < 0.05, "row {}: POA {} vs {}", r[0], out.poa_global, r[3]);
        assert!((out.temp_cell - r[4]).abs() < 0.01, "row {}: cell {} vs {}", r[0], out.temp_cell, r[4]);
        assert!((out.ac_w - r[5]).abs() < 0.1, "row {}: AC {} vs {}", r[0], out.ac_w, r[5]);
    }
    let annual_kwh = annual_wh / 1_000.0;
    assert!(
        (annual_kwh - annual_ref).abs() < 0.01 * annual_ref / 100.0,
        "annual {annual_kwh:.3} kWh vs pvlib {annual_ref}"
    );
}

#[test]
fn rejects_malformed_data_naming_file_and_line() {
    let good = embedded::SMARD_2018.1;
    let mut lines: Vec<&str> = good.lines().collect();
    // A skipped hour.
    lines.remove(10);
    let gapped = lines.join("\n");
    assert!(
        matches!(data::prices("p.csv", &gapped), Err(EnergyError::Gap { line: 11, .. })),
        "{:?}",
        data::prices("p.csv", &gapped).err()
    );
    // Not a number.
    let bad = good.replacen("-29.99", "n/a", 1);
    let err = data::prices("p.csv", &bad).unwrap_err();
    assert_eq!(err.to_string(), "p.csv:5: price \"n/a\" is not a number");
    // Wrong header, wrong width, empty, missing file.
    assert!(matches!(data::prices("p.csv", "a,b\n1,2"), Err(EnergyError::Parse { line: 1, .. })));
    assert!(matches!(
        data::prices("p.csv", "utc_hour_start,eur_per_mwh\n2018-01-01T00:00Z"),
        Err(EnergyError::Parse { line: 2, .. })
    ));
    assert!(matches!(data::weather("w.csv", ""), Err(EnergyError::Parse { .. })));
    assert!(matches!(data::read(std::path::Path::new("/nonexistent/w.csv")), Err(EnergyError::Io { .. })));
    // A weather file missing an hour.
    let w = embedded::GREENSBORO.1.replacen("\n1,1,3,", "\n1,1,4,", 1);
    let err = data::weather("w.csv", &w).unwrap_err();
    assert!(matches!(err, EnergyError::Gap { line: 7, .. }), "{err}");
}

#[test]
fn embedded_data_loads() {
    let sand_point = data::weather(embedded::SAND_POINT.0, embedded::SAND_POINT.1).unwrap();
    assert!((sand_point.observer.latitude - 55.317).abs() < 1e-9);
    assert_eq!(data::prices(embedded::SMARD_2015.0, embedded::SMARD_2015.1).unwrap().len(), 8_664);
    let countries = data::countries(embedded::COUNTRIES.0, embedded::COUNTRIES.1).unwrap();
    let germany = countries.iter().find(|c| c.iso_code == "DEU").unwrap();
    assert!(germany.g_co2e_per_kwh > 100.0 && germany.g_co2e_per_kwh < 700.0);
    let sources = data::sources(embedded::SOURCES.0, embedded::SOURCES.1).unwrap();
    assert!(sources.iter().any(|(s, g)| s == "solar" && *g == 48.0));
}

fn january_prices(hours: usize) -> Vec<f64> {
    data::prices(embedded::SMARD_2018.0, embedded::SMARD_2018.1).unwrap()[..hours]
        .iter()
        .map(|p| p.eur_per_mwh)
        .collect()
}

#[test]
fn forecast_manager_reaches_85_percent_of_the_perfect_foresight_bound() {
    let prices = january_prices(14 * 24);
    let b = Battery::home();
    let soc0 = b.min_wh();
    let bound = plan(&b, soc0, &Window::arbitrage(&prices, 5_000.0)).unwrap();
    // The bound's plan is feasible: replayed through the battery model it earns its value.
    let requests: Vec<(f64, f64)> = bound.charge_wh.iter().copied().zip(bound.discharge_wh.iter().copied()).collect();
    let replayed = arbitrage_profit(&b, soc0, &prices, &requests);
    assert!((replayed + bound.cost_eur).abs() < 0.01, "replayed {replayed} vs LP {}", -bound.cost_eur);
    // The file's hour 0 is 00:00 CET (23:00 UTC).
    let (profit, _) = receding_horizon_arbitrage(&b, soc0, &prices, 48, 0, PriceForecast::DayAhead).unwrap();
    let (naive, _) = receding_horizon_arbitrage(&b, soc0, &prices, 48, 0, PriceForecast::Persistence).unwrap();
    let best = -bound.cost_eur;
    assert!(best > 0.0 && profit <= best + 0.01 && naive <= best + 0.01, "bound {best} ≥ {profit}, {naive}");
    assert!(profit / best >= 0.85, "day-ahead manager {profit:.2} € is {:.3} of the bound {best:.2} €", profit / best);
    assert!(naive < profit, "knowing the day-ahead prices helps: {naive} < {profit}");
}

#[test]
fn forecasts_reveal_tomorrow_only_after_the_auction() {
    let prices: Vec<f64> = (0..96).map(|h| h as f64).collect();
    // At 12:00 local only today is known: hour 24 (tomorrow 00:00) is a repeat of today's 00:00.
    assert_eq!(forecast(&prices, 12, 14, 0, PriceForecast::DayAhead)[12], 0.0);
    // At 13:00 tomorrow is known.
    assert_eq!(forecast(&prices, 13, 14, 0, PriceForecast::DayAhead)[11], 24.0);
    // Persistence knows the current hour and repeats yesterday's.
    assert_eq!(forecast(&prices, 30, 3, 0, PriceForecast::Persistence), vec![30.0, 7.0, 8.0]);
}

#[test]
fn household_plan_balances_every_hour_and_runs_all_compute() {
    let prices = january_prices(48);
    let mut w = Window::arbitrage(&prices, 11_000.0);
    w.export_price = prices.iter().map(|p| p * 0.5).collect();
    w.pv_wh = (0..48).map(|h| if (9..16).contains(&(h % 24)) { 3_000.0 } else { 0.0 }).collect();
    w.load_wh = vec![400.0; 48];
    w.carbon = (0..48).map(|h| if (9..16).contains(&(h % 24)) { 150.0 } else { 450.0 }).collect();
    w.carbon_weight = 0.1;
    w.compute_wh = 10_000.0;
    w.compute_max_wh = vec![980.0; 48];
    let b = Battery::home();
    let p = plan(&b, 5_000.0, &w).unwrap();
    let mut soc = 5_000.0;
    for t in 0..48 {
        let inflow = w.pv_wh[t] + p.import_wh[t] + p.discharge_wh[t];
        let outflow = w.load_wh[t] + p.compute_wh[t] + p.charge_wh[t] + p.export_wh[t];
        assert!((inflow - outflow).abs() < 0.5, "hour {t}: {inflow} in, {outflow} out");
        soc += b.eta_charge * p.charge_wh[t] - p.discharge_wh[t] / b.eta_discharge;
        assert!((soc - p.soc_wh[t]).abs() < 0.5 && soc >= b.min_wh() - 0.5 && soc <= b.max_wh() + 0.5);
    }
    assert!((p.compute_wh.iter().sum::<f64>() - 10_000.0).abs() < 0.5);
    // Choosing when to compute never costs more than computing evenly over the window.
    let mut even = w.clone();
    even.compute_max_wh = vec![10_000.0 / 48.0; 48];
    let flat = plan(&b, 5_000.0, &even).unwrap();
    assert!(p.cost_eur <= flat.cost_eur + 1e-6, "scheduled {} € vs even {} €", p.cost_eur, flat.cost_eur);
    // Hours already sold run at full power whatever they cost: the plan keeps them.
    let mut sold = w.clone();
    for t in 0..4 {
        sold.compute_min_wh[t] = 980.0;
    }
    let kept = plan(&b, 5_000.0, &sold).unwrap();
    assert!(kept.compute_wh[..4].iter().all(|c| (c - 980.0).abs() < 0.5), "{:?}", &kept.compute_wh[..4]);
    assert!(kept.cost_eur >= p.cost_eur - 1e-6, "a constraint cannot make the plan cheaper");
}

/// A car plugged in for eight hours takes its energy in the cheapest of them,
/// and every hour still balances.
#[test]
fn household_plan_charges_the_car_in_its_cheapest_plugged_in_hours() {
    let prices = vec![90.0, 80.0, 20.0, 10.0, 15.0, 25.0, 70.0, 95.0, 100.0, 100.0];
    let mut w = Window::arbitrage(&prices, 20_000.0);
    w.load_wh = vec![300.0; prices.len()];
    w.ev = vec![greenhour_energy::dispatch::EvNeed { first: 0, end: 8, energy_wh: 14_000.0, max_wh: 7_400.0 }];
    let b = Battery { capacity_wh: 0.0, ..Battery::home() };
    let p = plan(&b, 0.0, &w).unwrap();
    let taken: f64 = p.ev_wh.iter().sum();
    assert!((taken - 14_000.0).abs() < 0.5, "{taken}");
    assert!(
        (p.ev_wh[3] - 7_400.0).abs() < 0.5 && (p.ev_wh[4] - 6_600.0).abs() < 0.5,
        "the two cheapest hours: {:?}",
        p.ev_wh
    );
    assert!(p.ev_wh[8..].iter().all(|e| *e == 0.0), "nothing after the car left");
    for t in 0..prices.len() {
        let inflow = w.pv_wh[t] + p.import_wh[t] + p.discharge_wh[t];
        let outflow = w.load_wh[t] + p.compute_wh[t] + p.ev_wh[t] + p.charge_wh[t] + p.export_wh[t];
        assert!((inflow - outflow).abs() < 0.5, "hour {t}");
    }
}

#[test]
fn rejects_a_car_session_outside_the_window_or_too_big_for_its_charger() {
    let b = Battery::home();
    let mut w = Window::arbitrage(&january_prices(4), 5_000.0);
    w.ev = vec![greenhour_energy::dispatch::EvNeed { first: 2, end: 6, energy_wh: 1_000.0, max_wh: 7_400.0 }];
    assert!(
        matches!(plan(&b, 5_000.0, &w), Err(greenhour_energy::EnergyError::InvalidParameter(_))),
        "past the window"
    );
    w.ev = vec![greenhour_energy::dispatch::EvNeed { first: 0, end: 2, energy_wh: 15_000.0, max_wh: 7_400.0 }];
    assert!(
        matches!(plan(&b, 5_000.0, &w), Err(greenhour_energy::EnergyError::InvalidParameter(_))),
        "14.8 kWh at most"
    );
}

#[test]
fn rejects_a_window_whose_compute_cannot_fit() {
    let b = Battery::home();
    let mut w = Window::arbitrage(&january_prices(4), 5_000.0);
    w.compute_max_wh = vec![500.0; 4];
    w.compute_wh = 2_001.0;
    assert!(matches!(plan(&b, 5_000.0, &w), Err(greenhour_energy::EnergyError::InvalidParameter(_))));
    w.compute_wh = 100.0;
    w.compute_min_wh = vec![100.0; 4];
    assert!(
        matches!(plan(&b, 5_000.0, &w), Err(greenhour_energy::EnergyError::InvalidParameter(_))),
        "below the sold hours' least"
    );
    w.compute_min_wh = vec![600.0, 0.0, 0.0, 0.0];
    w.compute_wh = 600.0;
    assert!(
        matches!(plan(&b, 5_000.0, &w), Err(greenhour_energy::EnergyError::InvalidParameter(_))),
        "least above most"
    );
}
