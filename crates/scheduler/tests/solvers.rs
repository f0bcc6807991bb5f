//! Every solver returns feasible schedules, the LP bound is above all of them,
//! the carbon-aware greedy beats the carbon-agnostic baseline on a real-weather
//! day, and solvers are deterministic.

use greenhour_scheduler::fleet::{fleet_day, sites};
use greenhour_scheduler::{fifo, greedy, lp_bound, Device, Job, Problem};
use proptest::prelude::*;

#[test]
fn greedy_is_near_the_lp_bound_and_beats_fifo_on_a_fleet_day() {
    let sites = sites().unwrap();
    let p = fleet_day(&sites, 16, 60, 7);
    let g = p.check(&greedy(&p)).unwrap();
    let f = p.check(&fifo(&p)).unwrap();
    let bound = lp_bound(&p).unwrap();
    assert!(g.green_gpu_hours <= bound + 1e-6, "bound {bound} below greedy {}", g.green_gpu_hours);
    assert!(f.green_gpu_hours <= bound + 1e-6);
    assert!(g.green_gpu_hours >= 0.95 * bound, "greedy {} vs bound {bound}", g.green_gpu_hours);
    assert!(g.green_share > f.green_share, "greedy {} vs fifo {}", g.green_share, f.green_share);
    assert_eq!(greedy(&p), greedy(&p), "deterministic");
}

fn problem() -> impl Strategy<Value = Problem> {
    let device = (prop::collection::vec(0u32..3, 6), prop::collection::vec(0u32..=10_000, 6), 0u64..3);
    let job = (1u32..3, 1u32..3, 1u32..3, 0u32..5, 0u32..4, 0u32..3_000);
    (prop::collection::vec(device, 1..5), prop::collection::vec(job, 0..8)).prop_map(|(ds, js)| Problem {
        horizon: 6,
        devices: ds
            .into_iter()
            .enumerate()
            .map(|(i, (free, green_bps, owner))| Device { id: i as u64, owner, free, green_bps })
            .collect(),
        jobs: js
            .into_iter()
            .enumerate()
            .map(|(i, (gpus, hours, replicas, earliest, window, min_green_bps))| Job {
                id: i as u64,
                gpus,
                hours,
                replicas,
                earliest,
                latest_start: earliest + window,
                min_green_bps,
            })
            .collect(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn schedules_are_feasible_and_under_the_bound(p in problem()) {
        let bound = lp_bound(&p).unwrap();
        for s in [greedy(&p), fifo(&p)] {
            let m = p.check(&s).unwrap();
            prop_assert!(m.green_gpu_hours <= bound + 1e-6, "{} > {}", m.green_gpu_hours, bound);
        }
    }
}
