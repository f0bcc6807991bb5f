//! A day of the simulated fleet as a scheduling problem: devices on the real
//! TMY3 weather of Greensboro, NC and Sand Point, AK (PVWatts through the sim's
//! site profiles), with the green share of running both GPUs each UTC hour, and
//! a seeded mix of jobs.

use crate::{Device, Job, Problem};
use greenhour_energy::data::{embedded, weather};
use greenhour_energy::household::{house_factor, SiteProfile};
use greenhour_energy::EnergyError;
use rand::{Rng, SeedableRng};

/// 2026-06-21T00:00Z, the day the problem covers (long days in both sites).
pub const DAY_START_UNIX: u64 = 1_767_225_600 + 171 * 86_400;
const GPUS: u32 = 2;
const GPU_TDP_WH: f64 = 450.0;
const BASE_LOAD_W: f64 = 400.0;
const PV_KWP: [f64; 5] = [3.0, 4.0, 5.0, 6.0, 8.0];

/// The two sites' PV profiles (SPA + PVWatts over a typical year, ~40 ms each).
pub fn sites() -> Result<Vec<SiteProfile>, EnergyError> {
    [embedded::GREENSBORO, embedded::SAND_POINT]
        .iter()
        .map(|(file, text)| SiteProfile::compute(&weather(file, text)?))
        .collect()
}

/// The green share (bps) of a device's two GPUs' energy in one UTC hour: the PV
/// surplus over the house's draw, as a share of the GPUs' draw, capped at 100 %.
pub fn green_bps(site: &SiteProfile, kwp: f64, unix_hour: u64) -> u32 {
    let pv = site.pv_wh_per_kwp[site.hour_of_year(unix_hour)] * kwp;
    let local = (unix_hour as i64 + site.utc_offset_hours.round() as i64).rem_euclid(24) as usize;
    let surplus = (pv - BASE_LOAD_W * house_factor(local)).max(0.0);
    ((surplus / (GPUS as f64 * GPU_TDP_WH)).min(1.0) * 10_000.0).floor() as u32
}

/// `devices` devices (alternating sites, PV sizes cycling 3–8 kWp, two GPUs
/// each, every GPU free all day) and `jobs` jobs drawn from `seed`: mostly one
/// GPU, one to four hours, one replica (a fifth have two), windows of 2–12
/// start hours, a third with a green floor.
pub fn fleet_day(sites: &[SiteProfile], devices: usize, jobs: usize, seed: u64) -> Problem {
    let horizon = 24u32;
    let first_hour = DAY_START_UNIX / 3_600;
    let devices: Vec<Device> = (0..devices)
        .map(|i| {
            let site = &sites[i % sites.len()];
            let kwp = PV_KWP[i % PV_KWP.len()];
            Device {
                id: i as u64 + 1,
                owner: i as u64 + 1,
                free: vec![GPUS; horizon as usize],
                green_bps: (0..horizon as u64).map(|h| green_bps(site, kwp, first_hour + h)).collect(),
            }
        })
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let jobs = (0..jobs)
        .map(|j| {
            let hours = rng.gen_range(1..=4);
            let earliest = rng.gen_range(0..horizon - hours);
            let window = rng.gen_range(2..=12);
            Job {
                id: j as u64 + 1,
                gpus: if rng.gen_bool(0.8) { 1 } else { 2 },
                hours,
                replicas: if rng.gen_bool(0.8) { 1 } else { 2 },
                earliest,
                latest_start: (earliest + window).min(horizon - hours),
                min_green_bps: if rng.gen_bool(1.0 / 3.0) { rng.gen_range(1_000..=4_000) } else { 0 },
            }
        })
        .collect();
    Problem { horizon, devices, jobs }
}
