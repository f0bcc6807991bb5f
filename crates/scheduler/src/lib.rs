//! Off-chain carbon-aware job placement.
//!
//! A [`Problem`] is devices with free GPUs and a green share per hour of a
//! horizon, and jobs that each need `gpus` GPUs on `replicas` devices of
//! distinct owners for `hours` consecutive hours starting inside a window. A
//! [`Schedule`] places some of them. The objective is green GPU-hours: for each
//! placed replica, `gpus × Σ_run green_share(device, hour)`.
//!
//! Invariants:
//! - Every schedule any solver here returns is feasible ([`Problem::check`]):
//!   starts inside windows, replicas on distinct owners, no device-hour over its
//!   free GPUs.
//! - [`lp_bound`] is an upper bound on the objective of every feasible schedule
//!   (it relaxes integrality and the distinct-owner rule), so
//!   `objective / bound` is how far a schedule is from optimal at worst.
//! - Solvers are deterministic: the same problem gives the same schedule.

pub mod fleet;

use good_lp::{constraint, variable, Expression, Solution, SolverModel, Variable};
use std::collections::BTreeMap;

/// A device's capacity over the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    pub id: u64,
    pub owner: u64,
    /// Free GPUs in each hour of the horizon.
    pub free: Vec<u32>,
    /// Forecast share of its compute energy that is green in each hour, basis points.
    pub green_bps: Vec<u32>,
}

/// A job to place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: u64,
    pub gpus: u32,
    pub hours: u32,
    pub replicas: u32,
    /// First and last allowed start hour (indices into the horizon).
    pub earliest: u32,
    pub latest_start: u32,
    /// Each chosen device's average green share over the run must reach this.
    pub min_green_bps: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub horizon: u32,
    pub devices: Vec<Device>,
    pub jobs: Vec<Job>,
}

/// One placed job: its start and the indices of its devices in `Problem::devices`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub job: usize,
    pub start: u32,
    pub devices: Vec<usize>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    pub placements: Vec<Placement>,
}

/// What a schedule achieves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    pub jobs_placed: usize,
    pub gpu_hours: u64,
    /// Σ placed GPU-hours × green share.
    pub green_gpu_hours: f64,
    /// `green_gpu_hours / gpu_hours`.
    pub green_share: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// A schedule breaks a rule of the problem.
    #[error("infeasible schedule: {0}")]
    Infeasible(String),
    /// The LP solver failed.
    #[error("LP solver: {0}")]
    Solver(String),
}

impl Problem {
    /// Green GPU-hours of running `job` on `device` from `start` (0 when it does not fit the horizon).
    fn value(&self, job: &Job, device: usize, start: u32) -> f64 {
        let d = &self.devices[device];
        let run = start as usize..(start + job.hours) as usize;
        job.gpus as f64 * d.green_bps.get(run).map_or(0.0, |g| g.iter().map(|b| *b as f64 / 10_000.0).sum())
    }

    fn eligible(&self, job: &Job, device: usize, start: u32) -> bool {
        let d = &self.devices[device];
        let run = start as usize..(start + job.hours) as usize;
        let Some(green) = d.green_bps.get(run) else { return false };
        green.iter().map(|g| *g as u64).sum::<u64>() >= job.min_green_bps as u64 * job.hours as u64
    }

    fn starts(&self, job: &Job) -> std::ops::RangeInclusive<u32> {
        let last = job.latest_start.min(self.horizon.saturating_sub(job.hours));
        job.earliest..=last
    }

    /// Checks every rule; the schedule's metrics if it holds.
    pub fn check(&self, s: &Schedule) -> Result<Metrics, ScheduleError> {
        let bad = |why: String| Err(ScheduleError::Infeasible(why));
        let mut used: BTreeMap<(usize, u32), u32> = BTreeMap::new();
        let mut seen = vec![false; self.jobs.len()];
        let (mut gpu_hours, mut green) = (0u64, 0.0);
        for p in &s.placements {
            let job = &self.jobs[p.job];
            if std::mem::replace(&mut seen[p.job], true) {
                return bad(format!("job {} placed twice", job.id));
            }
            if !self.starts(job).contains(&p.start) {
                return bad(format!("job {} starts outside its window", job.id));
            }
            if p.devices.len() != job.replicas as usize {
                return bad(format!("job {} has {} devices for {} replicas", job.id, p.devices.len(), job.replicas));
            }
            let mut owners: Vec<u64> = p.devices.iter().map(|d| self.devices[*d].owner).collect();
            owners.sort_unstable();
            owners.dedup();
            if owners.len() != p.devices.len() {
                return bad(format!("job {} has two replicas of one owner", job.id));
            }
            for &d in &p.devices {
                if !self.eligible(job, d, p.start) {
                    return bad(format!("job {} on device {} is below its green floor", job.id, self.devices[d].id));
                }
                for h in p.start..p.start + job.hours {
                    let u = used.entry((d, h)).or_default();
                    *u += job.gpus;
                    if *u > self.devices[d].free[h as usize] {
                        return bad(format!("device {} over capacity in hour {h}", self.devices[d].id));
                    }
                }
                green += self.value(job, d, p.start);
                gpu_hours += job.gpus as u64 * job.hours as u64;
            }
        }
        let jobs_placed = s.placements.len();
        let green_share = if gpu_hours == 0 { 0.0 } else { green / gpu_hours as f64 };
        Ok(Metrics { jobs_placed, gpu_hours, green_gpu_hours: green, green_share })
    }
}

/// Free GPUs while a solver builds a schedule.
struct Capacity(Vec<Vec<u32>>);

impl Capacity {
    fn of(p: &Problem) -> Self {
        Capacity(p.devices.iter().map(|d| d.free.clone()).collect())
    }
    fn fits(&self, d: usize, start: u32, job: &Job) -> bool {
        (start..start + job.hours).all(|h| self.0[d].get(h as usize).is_some_and(|f| *f >= job.gpus))
    }
    fn apply(&mut self, placement: &Placement, job: &Job, sign: i64) {
        for &d in &placement.devices {
            for h in placement.start..placement.start + job.hours {
                let f = &mut self.0[d][h as usize];
                *f = (*f as i64 - sign * job.gpus as i64) as u32;
            }
        }
    }
}

/// The best placement of `job` on the remaining capacity by the given value of a
/// (device, start): for each start, the `replicas` highest-valued fitting devices
/// of distinct owners; the start with the highest total, earliest on ties.
fn place(p: &Problem, cap: &Capacity, ji: usize, value: impl Fn(usize, u32) -> f64) -> Option<(Placement, f64)> {
    let job = &p.jobs[ji];
    let mut best: Option<(Placement, f64)> = None;
    for start in p.starts(job) {
        let mut options: Vec<(f64, usize)> = (0..p.devices.len())
            .filter(|&d| cap.fits(d, start, job) && p.eligible(job, d, start))
            .map(|d| (value(d, start), d))
            .collect();
        options.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<usize> = Vec::new();
        let mut total = 0.0;
        for (v, d) in options {
            if chosen.len() == job.replicas as usize {
                break;
            }
            if chosen.iter().any(|c| p.devices[*c].owner == p.devices[d].owner) {
                continue;
            }
            chosen.push(d);
            total += v;
        }
        if chosen.len() == job.replicas as usize && best.as_ref().is_none_or(|b| total > b.1 + 1e-12) {
            best = Some((Placement { job: ji, start, devices: chosen }, total));
        }
    }
    best
}

/// Carbon-agnostic baseline: jobs in posting order, each at its earliest start
/// on the lowest-numbered devices that fit.
pub fn fifo(p: &Problem) -> Schedule {
    let mut cap = Capacity::of(p);
    let mut placements = Vec::new();
    for ji in 0..p.jobs.len() {
        let job = &p.jobs[ji];
        // Value: earlier start and lower index first, whatever the weather.
        if let Some((pl, _)) = place(p, &cap, ji, |d, start| -(start as f64 * 1e6 + d as f64)) {
            cap.apply(&pl, job, 1);
            placements.push(pl);
        }
    }
    Schedule { placements }
}

/// Carbon-aware greedy, then local search: jobs with the fewest start options
/// (then the largest) first, each on its greenest placement; then each placement
/// is lifted and re-placed while that raises the objective.
pub fn greedy(p: &Problem) -> Schedule {
    let mut order: Vec<usize> = (0..p.jobs.len()).collect();
    order.sort_by_key(|&j| {
        let job = &p.jobs[j];
        let options = p.starts(job).count() as u64;
        (options, std::cmp::Reverse(job.gpus as u64 * job.hours as u64 * job.replicas as u64), job.id)
    });
    let mut cap = Capacity::of(p);
    let mut placed: Vec<Option<(Placement, f64)>> = vec![None; p.jobs.len()];
    for &ji in &order {
        if let Some((pl, v)) = place(p, &cap, ji, |d, s| p.value(&p.jobs[ji], d, s)) {
            cap.apply(&pl, &p.jobs[ji], 1);
            placed[ji] = Some((pl, v));
        }
    }
    // Local search: a bounded number of passes; each move strictly improves.
    for _ in 0..4 {
        let mut improved = false;
        for &ji in &order {
            let job = &p.jobs[ji];
            let current = placed[ji].clone();
            if let Some((pl, _)) = &current {
                cap.apply(pl, job, -1);
            }
            match place(p, &cap, ji, |d, s| p.value(job, d, s)) {
                Some((pl, v)) if current.as_ref().is_none_or(|(_, cv)| v > cv + 1e-9) => {
                    cap.apply(&pl, job, 1);
                    placed[ji] = Some((pl, v));
                    improved = true;
                }
                _ => {
                    if let Some((pl, _)) = &current {
                        cap.apply(pl, job, 1);
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }
    let mut placements: Vec<Placement> = placed.into_iter().flatten().map(|(pl, _)| pl).collect();
    placements.sort_by_key(|pl| pl.job);
    Schedule { placements }
}

/// One candidate start of a job in the LP: its hour, `y`, and the `x` per eligible device.
type StartVars = (u32, Variable, Vec<(usize, Variable)>);

/// The LP relaxation's optimum: an upper bound on the green GPU-hours of any
/// feasible schedule. Variables `x[j,d,s] ∈ [0,1]` (replica of job j on device d
/// from s) and `y[j,s] ∈ [0,1]` (job j starts at s); `Σ_d x = replicas·y`,
/// `Σ_s y ≤ 1`, and per device-hour `Σ gpus·x ≤ free`. The distinct-owner rule is
/// dropped (a relaxation only raises the bound).
pub fn lp_bound(p: &Problem) -> Result<f64, ScheduleError> {
    let mut vars = good_lp::variables!();
    let mut objective = Expression::default();
    let mut per_job_start: Vec<Vec<StartVars>> = Vec::new();
    let mut load: BTreeMap<(usize, u32), Expression> = BTreeMap::new();
    for job in &p.jobs {
        let mut starts = Vec::new();
        for s in p.starts(job) {
            let xs: Vec<(usize, Variable)> = (0..p.devices.len())
                .filter(|&d| {
                    p.eligible(job, d, s) && (s..s + job.hours).all(|h| p.devices[d].free[h as usize] >= job.gpus)
                })
                .map(|d| (d, vars.add(variable().min(0.0).max(1.0))))
                .collect();
            if xs.len() < job.replicas as usize {
                continue;
            }
            let y = vars.add(variable().min(0.0).max(1.0));
            for &(d, x) in &xs {
                objective += x * p.value(job, d, s);
                for h in s..s + job.hours {
                    *load.entry((d, h)).or_default() += x * job.gpus as f64;
                }
            }
            starts.push((s, y, xs));
        }
        per_job_start.push(starts);
    }
    let mut model = vars.maximise(objective.clone()).using(good_lp::microlp);
    for (ji, starts) in per_job_start.iter().enumerate() {
        let job = &p.jobs[ji];
        let mut once = Expression::default();
        for (_, y, xs) in starts {
            let sum: Expression = xs.iter().map(|(_, x)| *x).sum();
            model = model.with(constraint!(sum == *y * job.replicas as f64));
            once += *y;
        }
        if !starts.is_empty() {
            model = model.with(constraint!(once <= 1.0));
        }
    }
    for ((d, h), expr) in load {
        model = model.with(constraint!(expr <= p.devices[d].free[h as usize] as f64));
    }
    let solution = model.solve().map_err(|e| ScheduleError::Solver(e.to_string()))?;
    Ok(solution.eval(&objective))
}
