//! The energy manager's linear program: over the next hours, how to charge and
//! discharge the battery, import and export, and when to run flexible compute,
//! given forecasts of PV, household load, prices and grid carbon. Solved with
//! `good_lp` on the microlp simplex (Clarabel's interior point stopped short of
//! the optimum on year-long windows).
//!
//! Per hour t (all Wh): `pv + import + discharge = load + compute + ev + charge + export`,
//! `soc_t = soc_{t−1} + η_c·charge − discharge/η_d` within the battery's bounds,
//! power limits on charge, discharge, import, export and compute, the flexible
//! compute energy scheduled in full, and each car session's energy delivered
//! while it is plugged in. Objective: minimise
//! `Σ price·import − export_price·export + carbon_price·carbon·import`.
//! Pure arbitrage is the special case with no PV, load or compute.

use crate::battery::Battery;
use crate::EnergyError;
use good_lp::{constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable};

/// Forecasts and limits for one planning window.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// €/MWh paid for imports and received for exports, per hour.
    pub import_price: Vec<f64>,
    pub export_price: Vec<f64>,
    /// Grid carbon intensity, gCO₂e/kWh, and what a gram is worth in €/MWh·(kWh/g)
    /// terms: `carbon_weight · carbon` is added to the import price.
    pub carbon: Vec<f64>,
    pub carbon_weight: f64,
    pub pv_wh: Vec<f64>,
    pub load_wh: Vec<f64>,
    /// Compute energy to schedule over the window in all, and the least and most in
    /// each hour (an hour already sold has both at full power; an hour the device
    /// will not offer has both at zero).
    pub compute_wh: f64,
    pub compute_min_wh: Vec<f64>,
    pub compute_max_wh: Vec<f64>,
    /// Grid connection limits per hour.
    pub import_max_wh: f64,
    pub export_max_wh: f64,
    /// Car charging sessions to schedule (each wholly inside the window).
    pub ev: Vec<EvNeed>,
}

/// A car plugged in over hours `[first, end)` of the window that must take
/// `energy_wh`, at most `max_wh` an hour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvNeed {
    pub first: usize,
    pub end: usize,
    pub energy_wh: f64,
    pub max_wh: f64,
}

impl Window {
    /// Buying and selling at the same price with nothing else in the house.
    pub fn arbitrage(prices: &[f64], grid_wh: f64) -> Self {
        let n = prices.len();
        Window {
            import_price: prices.to_vec(),
            export_price: prices.to_vec(),
            carbon: vec![0.0; n],
            carbon_weight: 0.0,
            pv_wh: vec![0.0; n],
            load_wh: vec![0.0; n],
            compute_wh: 0.0,
            compute_min_wh: vec![0.0; n],
            compute_max_wh: vec![0.0; n],
            import_max_wh: grid_wh,
            export_max_wh: grid_wh,
            ev: Vec::new(),
        }
    }
    pub fn hours(&self) -> usize {
        self.import_price.len()
    }
}

/// The plan, per hour (Wh), and its cost in € (negative = profit).
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub charge_wh: Vec<f64>,
    pub discharge_wh: Vec<f64>,
    pub import_wh: Vec<f64>,
    pub export_wh: Vec<f64>,
    pub compute_wh: Vec<f64>,
    /// What the car sessions take each hour (all sessions together).
    pub ev_wh: Vec<f64>,
    /// Stored energy at the end of each hour.
    pub soc_wh: Vec<f64>,
    pub cost_eur: f64,
}

/// Plans `w` for a battery starting at `soc0_wh`. Post-condition: the plan meets
/// every constraint above to solver tolerance.
///
/// Solved by microlp's simplex (exact vertex optima). Clarabel's interior point was
/// tried and dropped: on the year-long arbitrage LP it stopped at its tolerance
/// at 88.08 € against the simplex's 91.87 €.
pub fn plan(battery: &Battery, soc0_wh: f64, w: &Window) -> Result<Plan, EnergyError> {
    battery.validate()?;
    let n = w.hours();
    let same = [
        w.export_price.len(),
        w.carbon.len(),
        w.pv_wh.len(),
        w.load_wh.len(),
        w.compute_min_wh.len(),
        w.compute_max_wh.len(),
    ];
    if n == 0 || same.iter().any(|l| *l != n) {
        return Err(EnergyError::InvalidParameter(format!("window series must all have {n} > 0 hours: {same:?}")));
    }
    if w.compute_min_wh.iter().zip(&w.compute_max_wh).any(|(lo, hi)| !(*lo >= 0.0 && lo <= hi)) {
        return Err(EnergyError::InvalidParameter("each hour's compute needs 0 ≤ least ≤ most".into()));
    }
    let (least, most): (f64, f64) = (w.compute_min_wh.iter().sum(), w.compute_max_wh.iter().sum());
    if !(w.compute_wh >= least - 1e-9 && w.compute_wh <= most + 1e-9) {
        return Err(EnergyError::InvalidParameter(format!(
            "{} Wh of compute do not fit the window's {least}–{most} Wh",
            w.compute_wh
        )));
    }
    for need in &w.ev {
        let hours = need.end.saturating_sub(need.first);
        if need.end > n || hours == 0 || !(need.energy_wh >= 0.0 && need.max_wh >= 0.0) {
            return Err(EnergyError::InvalidParameter(format!(
                "car session {need:?} is not inside the {n}-hour window"
            )));
        }
        if need.energy_wh > need.max_wh * hours as f64 + 1e-9 {
            return Err(EnergyError::InvalidParameter(format!(
                "car session {need:?}: {} Wh do not fit {hours} hours of {} Wh",
                need.energy_wh, need.max_wh
            )));
        }
    }
    let mut vars = ProblemVariables::new();
    let mut series = |max: f64| -> Vec<Variable> { (0..n).map(|_| vars.add(variable().min(0.0).max(max))).collect() };
    let charge = series(battery.max_charge_w);
    let discharge = series(battery.max_discharge_w);
    let import = series(w.import_max_wh);
    let export = series(w.export_max_wh);
    let compute: Vec<Variable> =
        (0..n).map(|t| vars.add(variable().min(w.compute_min_wh[t]).max(w.compute_max_wh[t]))).collect();
    let soc: Vec<Variable> = (0..n).map(|_| vars.add(variable().min(battery.min_wh()).max(battery.max_wh()))).collect();
    // One variable per session-hour; each hour's car draw is their sum.
    let sessions: Vec<Vec<(usize, Variable)>> =
        w.ev.iter()
            .map(|need| (need.first..need.end).map(|t| (t, vars.add(variable().min(0.0).max(need.max_wh)))).collect())
            .collect();
    let mut ev_at: Vec<Expression> = vec![Expression::default(); n];
    for session in &sessions {
        for (t, v) in session {
            ev_at[*t] += *v;
        }
    }
    // € per Wh = €/MWh / 10⁶.
    let mut cost = Expression::default();
    for t in 0..n {
        let buy = (w.import_price[t] + w.carbon_weight * w.carbon[t]) / 1e6;
        cost += buy * import[t] - w.export_price[t] / 1e6 * export[t];
    }
    let mut constraints = Vec::with_capacity(3 * n + 1);
    let mut total_compute = Expression::default();
    for t in 0..n {
        constraints.push(constraint!(
            w.pv_wh[t] + import[t] + discharge[t]
                == w.load_wh[t] + compute[t] + ev_at[t].clone() + charge[t] + export[t]
        ));
        let before: Expression = if t == 0 { Expression::from(soc0_wh) } else { soc[t - 1].into() };
        constraints.push(constraint!(
            soc[t] == before + battery.eta_charge * charge[t] - (1.0 / battery.eta_discharge) * discharge[t]
        ));
        // Charging and discharging share the hour (so a plan that does both, e.g. to
        // burn energy at negative prices, is one the battery can follow).
        constraints.push(constraint!(
            (1.0 / battery.max_charge_w.max(1e-9)) * charge[t]
                + (1.0 / battery.max_discharge_w.max(1e-9)) * discharge[t]
                <= 1.0
        ));
        total_compute += compute[t];
    }
    constraints.push(constraint!(total_compute == w.compute_wh));
    for (need, session) in w.ev.iter().zip(&sessions) {
        let taken: Expression = session.iter().map(|(_, v)| Expression::from(*v)).sum();
        constraints.push(constraint!(taken == need.energy_wh));
    }
    let problem = vars.minimise(cost);
    let solved = |solution: &dyn Solution| {
        let values = |v: &[Variable]| v.iter().map(|x| solution.value(*x).max(0.0)).collect::<Vec<f64>>();
        let (import_wh, export_wh) = (values(&import), values(&export));
        let mut ev_wh = vec![0.0; n];
        for session in &sessions {
            for (t, v) in session {
                ev_wh[*t] += solution.value(*v).max(0.0);
            }
        }
        let cost_eur = (0..n)
            .map(|t| {
                (w.import_price[t] + w.carbon_weight * w.carbon[t]) / 1e6 * import_wh[t]
                    - w.export_price[t] / 1e6 * export_wh[t]
            })
            .sum();
        Plan {
            charge_wh: values(&charge),
            discharge_wh: values(&discharge),
            import_wh,
            export_wh,
            compute_wh: values(&compute),
            ev_wh,
            soc_wh: values(&soc),
            cost_eur,
        }
    };
    let solution =
        problem.using(microlp).with_all(constraints).solve().map_err(|e| EnergyError::Solver(e.to_string()))?;
    let plan = solved(&solution);
    Ok(plan)
}

/// Profit (€) of arbitrage over `prices` by a battery following each hour's
/// `(charge, discharge)` through [`Battery::step_pair`] from `soc0_wh`.
pub fn arbitrage_profit(battery: &Battery, soc0_wh: f64, prices: &[f64], requests_wh: &[(f64, f64)]) -> f64 {
    let mut soc = soc0_wh;
    let mut profit = 0.0;
    for (p, (c, d)) in prices.iter().zip(requests_wh) {
        let s = battery.step_pair(soc, *c, *d, 1.0);
        profit += p / 1e6 * (s.delivered_wh - s.drawn_wh);
        soc = s.soc_wh;
    }
    profit
}

/// How the energy manager forecasts prices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceForecast {
    /// Day-ahead prices are published around 12:00 local time for the next local
    /// day, so at hour `t` every price to the end of today is known, and to the end
    /// of tomorrow from 13:00; beyond that the last known day repeats.
    DayAhead,
    /// Only the current hour's price is known; later hours repeat the previous day's
    /// (a lower bound on forecast quality).
    Persistence,
}

/// The `horizon` prices from hour `t` the manager believes at `t`, where `prices[0]`
/// is at local hour `first_local_hour` (local standard time, no daylight saving).
pub fn forecast(prices: &[f64], t: usize, horizon: usize, first_local_hour: usize, model: PriceForecast) -> Vec<f64> {
    let local_hour = (t + first_local_hour) % 24;
    let known_until = match model {
        PriceForecast::DayAhead => {
            let day_end = t + (24 - local_hour);
            if local_hour >= 13 {
                day_end + 24
            } else {
                day_end
            }
        }
        PriceForecast::Persistence => t + 1,
    }
    .min(prices.len());
    (t..t + horizon)
        .map(|h| {
            let mut k = h;
            while k >= known_until && k >= 24 {
                k -= 24;
            }
            // Before a day of history exists, the last known price stands in.
            prices[k.min(known_until.max(1) - 1)]
        })
        .collect()
}

/// Receding-horizon arbitrage: each hour, plan `horizon` hours on the forecast,
/// apply the first hour through the battery model, move on. Returns the profit (€)
/// and the `(charge, discharge)` applied each hour.
pub fn receding_horizon_arbitrage(
    battery: &Battery,
    soc0_wh: f64,
    prices: &[f64],
    horizon: usize,
    first_local_hour: usize,
    model: PriceForecast,
) -> Result<(f64, Vec<(f64, f64)>), EnergyError> {
    let grid = battery.max_charge_w.max(battery.max_discharge_w);
    let mut soc = soc0_wh;
    let mut requests = Vec::with_capacity(prices.len());
    for t in 0..prices.len() {
        let h = horizon.min(prices.len() - t).max(1);
        let believed = forecast(prices, t, h, first_local_hour, model);
        let p = plan(battery, soc, &Window::arbitrage(&believed, grid))?;
        let request = (p.charge_wh[0], p.discharge_wh[0]);
        soc = battery.step_pair(soc, request.0, request.1, 1.0).soc_wh;
        requests.push(request);
    }
    Ok((arbitrage_profit(battery, soc0_wh, prices, &requests), requests))
}
