//! The energy manager every device runs — the agent for one device, the fleet
//! simulator for thousands: it forecasts the next 24–48 hours, plans the
//! battery, the grid and the GPUs with the linear program in
//! `energy::dispatch`, runs each hour toward the plan's state of charge, and plans
//! again when what it sees strays from what the plan assumed.
//!
//! Forecasts (docs/spec/agent.md):
//! - PV: persistence of the clear-sky index. The clear-sky envelope of an hour is
//!   the best output of that hour of day within a week either side in the site's
//!   typical year; the forecast is that envelope times the share of it the same
//!   hour of day reached the last time it was seen (clear sky until an hour of
//!   day has been seen).
//! - House and EV: the house's daily shape and the car's plug-in session.
//! - Prices: the SMARD day-ahead series by hour of the year, export at half the
//!   import price; grid carbon: the country's average, weighed at 0.1 €/MWh per g/kWh.
//!
//! Compute: hours already pledged run the GPUs at full power whatever they cost;
//! hours not offered idle at a quarter (background work, counted in the load); when
//! a day is being planned for pledging, `compute_hours_per_day` GPU-hours go where
//! the plan finds them cheapest and greenest.
//!
//! Re-planning: a plan is made when there is none, when it covers fewer than
//! `plan_lead_hours` ahead, when a day is pledged, and when an hour's PV differs
//! from the forecast the plan used by more than a tenth of the nameplate (once the
//! plan is three hours old). A pledge made without planning (the fleet's whole
//! days) is taken into account by the next plan.

use greenhour_devices::{DeviceId, Nameplate, TelemetryReport};
use greenhour_energy::battery::Battery;
use greenhour_energy::dispatch::{plan, EvNeed, Window};
use greenhour_energy::household::{house_factor, simulate_hour, BatteryMode, DeviceSpec, HourEnergy, SiteProfile};
use greenhour_energy::EnergyError;
use std::sync::Arc;

const HOUR: u64 = 3_600;
/// The longest a plan looks ahead, and the shortest.
pub const MAX_HORIZON_HOURS: u32 = 48;
pub const MIN_HORIZON_HOURS: u32 = 24;
/// GPU utilisation of an hour the device has not offered (background work).
pub const IDLE_UTILISATION: f64 = 0.25;
/// Export is paid at this share of the import price.
const EXPORT_PRICE_SHARE: f64 = 0.5;
/// € per MWh added to the import price per gCO₂e/kWh of grid carbon.
const CARBON_WEIGHT: f64 = 0.1;
/// A forecast error above this share of the PV nameplate (Wh in an hour) re-plans…
const REPLAN_PV_ERROR: f64 = 0.1;
/// …once the plan has run this many hours (a changeable day would otherwise re-plan
/// every hour, and a fleet of thousands pays for each).
const MIN_PLAN_AGE_HOURS: u64 = 3;
/// Days either side searched for an hour's clear-sky envelope.
const ENVELOPE_DAYS: i64 = 7;
/// Below this envelope (Wh per kWp) an hour is night: no index is learnt from it.
const NIGHT_WH_PER_KWP: f64 = 20.0;

/// What the manager plans for, shared cheaply between many devices.
#[derive(Clone, Debug)]
pub struct ManagerConfig {
    pub spec: DeviceSpec,
    pub site: Arc<SiteProfile>,
    /// Day-ahead prices by hour of the year, €/MWh (the series repeats).
    pub prices: Arc<[f64]>,
    /// Grid carbon intensity used in planning, gCO₂e/kWh.
    pub grid_g_per_kwh: f64,
    /// GPU-hours of flexible compute placed in each day planned for pledging.
    pub compute_hours_per_day: u32,
    /// Hours each plan looks ahead, 24–48 (the agent 48; the fleet 24, where its
    /// LP takes 0.46 ms instead of 1.14).
    pub horizon_hours: u32,
    /// A plan is renewed once it covers fewer hours ahead than this (below the
    /// horizon; 24 for one device — a fleet spreads it so that its thousands of
    /// devices do not all plan in the same hour).
    pub plan_lead_hours: u32,
}

impl ManagerConfig {
    fn horizon(&self) -> usize {
        self.horizon_hours.clamp(MIN_HORIZON_HOURS, MAX_HORIZON_HOURS) as usize
    }
}

/// A plan the manager follows: from `first_hour`, per hour, the PV it assumed,
/// the state of charge to reach and the compute it placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub first_hour: u64,
    pub pv_wh: Vec<f64>,
    pub soc_wh: Vec<f64>,
    pub compute_wh: Vec<f64>,
    /// What the car takes each hour.
    pub ev_wh: Vec<f64>,
    /// What the plan expects to pay over the horizon, € (negative: earn).
    pub cost_eur: f64,
}

impl Planned {
    fn at(&self, hour: u64) -> Option<usize> {
        let i = usize::try_from(hour.checked_sub(self.first_hour)?).ok()?;
        (i < self.soc_wh.len()).then_some(i)
    }

    /// Contiguous runs `(first hour, hours)` of `[from, from + hours)` in which the
    /// plan runs the GPUs at least at half of `full_wh`.
    pub fn compute_runs(&self, from: u64, hours: u32, full_wh: f64) -> Vec<(u64, u32)> {
        let mut runs: Vec<(u64, u32)> = Vec::new();
        for hour in from..from + hours as u64 {
            let Some(i) = self.at(hour) else { continue };
            if self.compute_wh[i] >= full_wh * 0.5 {
                match runs.last_mut() {
                    Some((start, n)) if *start + *n as u64 == hour => *n += 1,
                    _ => runs.push((hour, 1)),
                }
            }
        }
        runs
    }
}

/// Everything one plan needs, owned, so it can be solved off the async threads.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    pub first_hour: u64,
    pub battery: Battery,
    pub soc_wh: f64,
    pub window: Window,
    /// The car's draw in hours of a session the window cannot hold whole (it
    /// leaves after the horizon): the dumb charger's, already in the window's load.
    pub ev_fixed_wh: Vec<f64>,
}

impl PlanRequest {
    pub fn solve(self) -> Result<Planned, EnergyError> {
        let p = plan(&self.battery, self.soc_wh, &self.window)?;
        Ok(Planned {
            first_hour: self.first_hour,
            pv_wh: self.window.pv_wh,
            soc_wh: p.soc_wh,
            compute_wh: p.compute_wh,
            ev_wh: p.ev_wh.iter().zip(&self.ev_fixed_wh).map(|(a, b)| a + b).collect(),
            cost_eur: p.cost_eur,
        })
    }
}

/// One device's energy manager and the physical state it runs.
#[derive(Clone, Debug)]
pub struct EnergyManager {
    config: ManagerConfig,
    /// Stored energy now, Wh.
    pub soc_wh: f64,
    /// The share of its clear-sky envelope each local hour of day last reached.
    clear_sky_index: [Option<f64>; 24],
    plan: Option<Planned>,
    stale: bool,
    /// The car's current session (the UTC hour it arrived) and what it took so far.
    ev_session: Option<u64>,
    ev_delivered_wh: f64,
    /// Plans adopted so far.
    pub plans_made: u64,
}

impl EnergyManager {
    /// Refuses a configuration it could not plan with: no prices or a price that
    /// is not a number, a site without a year of PV, a battery out of range, a
    /// negative or non-finite nameplate or carbon intensity.
    pub fn new(config: ManagerConfig, soc_wh: f64) -> Result<Self, EnergyError> {
        let bad = |what: String| Err(EnergyError::InvalidParameter(what));
        if config.prices.is_empty() || config.prices.iter().any(|p| !p.is_finite()) {
            return bad("the price series is empty or holds a value that is not a number".into());
        }
        if config.site.pv_wh_per_kwp.is_empty() || config.site.pv_wh_per_kwp.iter().any(|v| !v.is_finite()) {
            return bad(format!("site {:?} has no PV profile to forecast from", config.site.name));
        }
        config.spec.battery.validate()?;
        let s = &config.spec;
        let sane = |v: f64| v.is_finite() && v >= 0.0;
        if ![s.pv_w, s.base_load_w, s.gpu.tdp_w, config.grid_g_per_kwh].into_iter().all(sane)
            || s.ev.is_some_and(|ev| !sane(ev.energy_wh) || !sane(ev.max_w))
        {
            return bad(format!("device or grid figures out of range: {s:?}, {} g/kWh", config.grid_g_per_kwh));
        }
        Ok(EnergyManager {
            config,
            soc_wh,
            clear_sky_index: [None; 24],
            plan: None,
            stale: false,
            ev_session: None,
            ev_delivered_wh: 0.0,
            plans_made: 0,
        })
    }

    pub fn spec(&self) -> &DeviceSpec {
        &self.config.spec
    }

    pub fn plan(&self) -> Option<&Planned> {
        self.plan.as_ref()
    }

    /// Energy of the GPUs at full power for an hour, Wh.
    pub fn full_compute_wh(&self) -> f64 {
        self.config.spec.gpu.gpu_count as f64 * self.config.spec.gpu.tdp_w
    }

    /// The site's local standard hour of day (0–23) of UTC hour `hour`.
    pub fn local_hour(&self, hour: u64) -> usize {
        (hour as i64 + self.config.site.utc_offset_hours.round() as i64).rem_euclid(24) as usize
    }

    fn kwp(&self) -> f64 {
        self.config.spec.pv_w / 1_000.0
    }

    /// What the panels deliver in `hour` (the simulated truth: the typical year).
    pub fn actual_pv_wh(&self, hour: u64) -> f64 {
        let site = &self.config.site;
        site.pv_wh_per_kwp[site.hour_of_year(hour)] * self.kwp()
    }

    /// The best output of this hour of day within [`ENVELOPE_DAYS`] either side, per kWp.
    fn envelope_per_kwp(&self, hour: u64) -> f64 {
        let site = &self.config.site;
        let n = site.pv_wh_per_kwp.len() as i64;
        let at = site.hour_of_year(hour) as i64;
        (-ENVELOPE_DAYS..=ENVELOPE_DAYS)
            .map(|d| site.pv_wh_per_kwp[(at + 24 * d).rem_euclid(n) as usize])
            .fold(0.0, f64::max)
    }

    /// The PV forecast for `hour` (persistence of the clear-sky index).
    pub fn forecast_pv_wh(&self, hour: u64) -> f64 {
        let envelope = self.envelope_per_kwp(hour);
        match self.clear_sky_index[self.local_hour(hour)] {
            Some(index) if envelope >= NIGHT_WH_PER_KWP => envelope * index * self.kwp(),
            _ => envelope * self.kwp(),
        }
    }

    /// The house's draw, and the GPUs' background when not offered (the car is
    /// planned on its own).
    fn load_wh(&self, hour: u64, offered: bool) -> f64 {
        let background = if offered { 0.0 } else { self.full_compute_wh() * IDLE_UTILISATION };
        self.config.spec.base_load_w * house_factor(self.local_hour(hour)) + background
    }

    /// If the car is plugged in during `hour`: the UTC hour its session began, how
    /// many hours it has left (this one included) and the energy it still wants.
    fn ev_at(&self, hour: u64) -> Option<(u64, usize, f64)> {
        let ev = self.config.spec.ev?;
        let since = ev.since_arrival(self.local_hour(hour))?;
        let session = hour.saturating_sub(since as u64);
        let taken = if self.ev_session == Some(session) { self.ev_delivered_wh } else { 0.0 };
        Some((session, ev.window_hours() - since, (ev.energy_wh - taken).max(0.0)))
    }

    /// The car's sessions over the horizon from `first_hour`: those the horizon
    /// holds whole are the LP's to schedule; one that leaves after it charges as a
    /// dumb charger would (returned as a fixed draw per hour).
    fn ev_sessions(&self, first_hour: u64, horizon: usize) -> (Vec<EvNeed>, Vec<f64>) {
        let (mut needs, mut fixed) = (Vec::new(), vec![0.0; horizon]);
        let Some(ev) = self.config.spec.ev else { return (needs, fixed) };
        let mut t = 0;
        while t < horizon {
            let Some((_, left, wanted)) = self.ev_at(first_hour + t as u64) else {
                t += 1;
                continue;
            };
            let end = t + left;
            if end <= horizon {
                needs.push(EvNeed { first: t, end, energy_wh: wanted.min(ev.max_w * left as f64), max_wh: ev.max_w });
            } else {
                let mut still = wanted;
                for slot in &mut fixed[t..] {
                    *slot = still.min(ev.max_w);
                    still -= *slot;
                }
            }
            t = end;
        }
        (needs, fixed)
    }

    /// Whether the hour about to run needs a new plan first.
    pub fn needs_plan(&self, hour: u64) -> bool {
        let lead = (self.config.plan_lead_hours as u64).min(self.config.horizon() as u64 - 1);
        self.stale || self.plan.as_ref().and_then(|p| p.at(hour + lead)).is_none()
    }

    /// The plan to make from `first_hour`, with `pledged` hour ranges at full power
    /// and, if given, `flexible` hours taking `compute_hours_per_day` GPU-hours.
    pub fn request(&self, first_hour: u64, pledged: &[(u64, u32)], flexible: Option<(u64, u32)>) -> PlanRequest {
        let full = self.full_compute_wh();
        let in_range = |h: u64, (s, n): (u64, u32)| h >= s && h < s + n as u64;
        let horizon = self.config.horizon();
        let hours: Vec<u64> = (first_hour..first_hour + horizon as u64).collect();
        let is_pledged: Vec<bool> = hours.iter().map(|h| pledged.iter().any(|r| in_range(*h, *r))).collect();
        let is_flexible: Vec<bool> =
            hours.iter().zip(&is_pledged).map(|(h, p)| !p && flexible.is_some_and(|r| in_range(*h, r))).collect();
        let price = |h: u64| self.config.prices[(h % self.config.prices.len() as u64) as usize];
        let import_price: Vec<f64> = hours.iter().map(|h| price(*h)).collect();
        let sold = is_pledged.iter().filter(|p| **p).count() as f64 * full;
        let (ev, ev_fixed_wh) = self.ev_sessions(first_hour, horizon);
        let flexible_hours = is_flexible.iter().filter(|f| **f).count() as f64;
        let window = Window {
            export_price: import_price.iter().map(|p| p * EXPORT_PRICE_SHARE).collect(),
            import_price,
            carbon: vec![self.config.grid_g_per_kwh; horizon],
            carbon_weight: CARBON_WEIGHT,
            pv_wh: hours.iter().map(|h| self.forecast_pv_wh(*h)).collect(),
            load_wh: hours
                .iter()
                .zip(&is_pledged)
                .zip(&is_flexible)
                .zip(&ev_fixed_wh)
                .map(|(((h, p), f), car)| self.load_wh(*h, *p || *f) + car)
                .collect(),
            compute_wh: sold + full * flexible_hours.min(self.config.compute_hours_per_day as f64),
            compute_min_wh: is_pledged.iter().map(|p| if *p { full } else { 0.0 }).collect(),
            compute_max_wh: is_pledged
                .iter()
                .zip(&is_flexible)
                .map(|(p, f)| if *p || *f { full } else { 0.0 })
                .collect(),
            import_max_wh: 20_000.0,
            export_max_wh: 20_000.0,
            ev,
        };
        PlanRequest {
            first_hour,
            battery: self.config.spec.battery.clone(),
            soc_wh: self.soc_wh.clamp(self.config.spec.battery.min_wh(), self.config.spec.battery.max_wh()),
            window,
            ev_fixed_wh,
        }
    }

    /// The clear-sky index each local hour of day last reached (what the PV
    /// forecast has learnt), for a state file to keep across restarts.
    pub fn clear_sky_index(&self) -> [Option<f64>; 24] {
        self.clear_sky_index
    }

    /// Resumes with what an earlier run had learnt; indices outside 0–1.5 (a
    /// tampered or corrupt state file) are dropped rather than trusted.
    pub fn learnt(mut self, index: &[Option<f64>]) -> Self {
        for (slot, value) in self.clear_sky_index.iter_mut().zip(index) {
            *slot = value.filter(|v| v.is_finite() && (0.0..=1.5).contains(v));
        }
        self
    }

    /// The car's session in progress (the UTC hour it arrived) and what it took.
    pub fn ev_progress(&self) -> (Option<u64>, f64) {
        (self.ev_session, self.ev_delivered_wh)
    }

    /// Resumes a car session an earlier run started (a negative or non-finite
    /// amount from a damaged state file counts as nothing taken).
    pub fn with_ev_progress(mut self, session: Option<u64>, delivered_wh: f64) -> Self {
        self.ev_session = session;
        self.ev_delivered_wh = if delivered_wh.is_finite() { delivered_wh.max(0.0) } else { 0.0 };
        self
    }

    /// Follows `planned` from now on.
    pub fn adopt(&mut self, planned: Planned) {
        self.plan = Some(planned);
        self.stale = false;
        self.plans_made += 1;
    }

    /// Plans in place (a single device; the fleet solves [`PlanRequest`]s off its
    /// async threads).
    pub fn replan(
        &mut self,
        first_hour: u64,
        pledged: &[(u64, u32)],
        flexible: Option<(u64, u32)>,
    ) -> Result<&Planned, EnergyError> {
        let planned = self.request(first_hour, pledged, flexible).solve()?;
        self.adopt(planned);
        Ok(self.plan.as_ref().expect("just adopted"))
    }

    /// Runs `hour`: PV as it came, the GPUs at full power if the hour was pledged,
    /// the battery toward the plan's state of charge (self-consumption if no plan
    /// covers it). Learns the hour's clear-sky index and marks the plan stale when
    /// the forecast it used was off by more than a tenth of the nameplate.
    pub fn run_hour(&mut self, hour: u64, pledged: bool) -> HourEnergy {
        let pv = self.actual_pv_wh(hour);
        let utilisation = if pledged { 1.0 } else { IDLE_UTILISATION };
        // This hour of the plan: (state of charge to reach, PV assumed, car draw, age).
        let planned =
            self.plan.as_ref().and_then(|p| p.at(hour).map(|i| (p.soc_wh[i], p.pv_wh[i], p.ev_wh[i], i as u64)));
        let mode = planned.map_or(BatteryMode::SelfConsumption, |(soc, ..)| BatteryMode::Toward(soc));
        // The car takes what the plan gave this hour (full power with no plan), and
        // whatever it still lacks in its last plugged-in hour.
        let car = self.ev_at(hour).map(|(session, left, wanted)| {
            let draw = if left == 1 { wanted } else { planned.map_or(wanted, |(_, _, ev, _)| ev).min(wanted) };
            (session, draw)
        });
        let ev_draw = car.map_or(0.0, |(_, draw)| draw);
        let energy =
            simulate_hour(&self.config.spec, self.soc_wh, pv, utilisation, self.local_hour(hour), mode, ev_draw);
        self.soc_wh = energy.soc_wh;
        if let Some((session, _)) = car {
            if self.ev_session != Some(session) {
                (self.ev_session, self.ev_delivered_wh) = (Some(session), 0.0);
            }
            self.ev_delivered_wh += energy.ev_wh as f64;
        }
        let envelope = self.envelope_per_kwp(hour);
        if envelope >= NIGHT_WH_PER_KWP && self.kwp() > 0.0 {
            self.clear_sky_index[self.local_hour(hour)] = Some((pv / self.kwp() / envelope).clamp(0.0, 1.5));
        }
        let off = |forecast: f64| (forecast - pv).abs() > REPLAN_PV_ERROR * self.config.spec.pv_w;
        if planned.is_some_and(|(_, forecast, _, age)| age + 1 >= MIN_PLAN_AGE_HOURS && off(forecast)) {
            self.stale = true;
        }
        energy
    }

    /// What the device declares when it registers.
    pub fn nameplate(&self) -> Nameplate {
        let s = &self.config.spec;
        Nameplate {
            pv_w: s.pv_w as u64,
            battery_wh: s.battery.capacity_wh as u64,
            battery_max_w: s.battery.max_charge_w as u64,
            charger_w: s.ev.map_or(0, |ev| ev.max_w as u64),
            gpu_model: if s.gpu.tdp_w >= 450.0 { "RTX 4090" } else { "RTX 4080" }.into(),
            gpu_count: s.gpu.gpu_count,
            gpu_tdp_w: s.gpu.tdp_w as u32,
        }
    }

    /// The signed-telemetry body for `hour` of `energy` (the caller signs it).
    pub fn telemetry(&self, device: DeviceId, hour: u64, energy: &HourEnergy, outage_before: bool) -> TelemetryReport {
        let capacity = self.config.spec.battery.capacity_wh;
        let start = hour * HOUR;
        TelemetryReport {
            device,
            start,
            end: start + HOUR,
            generated_wh: energy.generated_wh,
            charged_wh: energy.charged_wh,
            discharged_wh: energy.discharged_wh,
            imported_wh: energy.imported_wh,
            exported_wh: energy.exported_wh,
            compute_wh: energy.compute_wh,
            gpu_seconds: energy.gpu_seconds,
            soc_permille: if capacity > 0.0 {
                (energy.soc_wh / capacity * 1_000.0).round().clamp(0.0, 1_000.0) as u16
            } else {
                0
            },
            outage_before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use greenhour_energy::battery::Battery;
    use greenhour_energy::device::{EvSession, GpuBox};

    /// A site whose every day is the same clear day, and one price series with a
    /// cheap night and a dear evening.
    fn config(compute_hours_per_day: u32) -> ManagerConfig {
        let day: Vec<f64> = (0..24)
            .map(|h| if (8..17).contains(&h) { 600.0 * (1.0 - ((h as f64 - 12.0) / 5.0).powi(2)) } else { 0.0 })
            .collect();
        let prices: Vec<f64> = (0..24 * 365)
            .map(|h| match h % 24 {
                0..=5 => 20.0,
                17..=21 => 150.0,
                _ => 60.0,
            })
            .collect();
        ManagerConfig {
            spec: DeviceSpec {
                pv_w: 5_000.0,
                battery: Battery::home(),
                gpu: GpuBox { gpu_count: 1, tdp_w: 450.0, idle_w: 60.0 },
                base_load_w: 400.0,
                ev: None,
            },
            site: Arc::new(SiteProfile {
                name: "clear".into(),
                utc_offset_hours: 0.0,
                pv_wh_per_kwp: day.iter().cycle().take(24 * 365).copied().collect(),
            }),
            prices: prices.into(),
            grid_g_per_kwh: 400.0,
            compute_hours_per_day,
            horizon_hours: 48,
            plan_lead_hours: 24,
        }
    }

    /// The manager's battery follows the plan's state of charge hour by hour, every
    /// hour balances to the Wh, and it needs no new plan on a day that went as forecast.
    #[test]
    fn app_can_run_a_day_on_its_plan() {
        let mut m = EnergyManager::new(config(24), 5_000.0).unwrap();
        let pledged = [(0u64, 48u32)];
        assert!(m.needs_plan(0));
        m.replan(0, &pledged, None).unwrap();
        let planned = m.plan().unwrap().clone();
        for hour in 0..24u64 {
            let e = m.run_hour(hour, true);
            assert_eq!(
                e.generated_wh + e.discharged_wh + e.imported_wh,
                e.house_wh + e.ev_wh + e.compute_wh + e.charged_wh + e.exported_wh
            );
            assert!(
                (e.soc_wh - planned.soc_wh[hour as usize]).abs() <= 1.1,
                "hour {hour}: {} vs {}",
                e.soc_wh,
                planned.soc_wh[hour as usize]
            );
            assert_eq!(e.compute_wh, 450);
        }
        assert!(!m.needs_plan(23), "the day went as forecast and the plan still covers a day ahead");
        assert!(m.needs_plan(24), "a plan ending at 48 no longer covers 24 + 24");
        // Charges on the cheap night or the sun and empties into the dear evening.
        let evening = planned.soc_wh[16] - planned.soc_wh[21];
        assert!(evening > 3_000.0, "the battery delivers into the 150 €/MWh evening ({evening} Wh)");
    }

    /// A cloudy hour after a plan made on clear-sky persistence marks the plan
    /// stale, and the next forecast of that hour of day scales down with it.
    #[test]
    fn app_can_replan_when_the_sun_does_not_come() {
        let mut c = config(24);
        let mut year: Vec<f64> = c.site.pv_wh_per_kwp.clone();
        // Day 1 is overcast: a fifth of the clear output.
        for v in &mut year[24..48] {
            *v *= 0.2;
        }
        c.site = Arc::new(SiteProfile { pv_wh_per_kwp: year, ..(*c.site).clone() });
        let mut m = EnergyManager::new(c, 5_000.0).unwrap();
        m.replan(0, &[], None).unwrap();
        for hour in 0..24 {
            m.run_hour(hour, false);
        }
        assert!(!m.needs_plan(23), "a clear day on a clear-sky forecast");
        m.replan(24, &[], None).unwrap();
        let clear_forecast = m.forecast_pv_wh(24 + 12);
        for hour in 24..24 + 8 {
            m.run_hour(hour, false);
        }
        assert!(!m.needs_plan(24 + 8), "the night went as forecast");
        m.run_hour(24 + 8, false);
        assert!(m.needs_plan(24 + 9), "the first overcast hour is off by more than a tenth of 5 kW");
        m.replan(24 + 9, &[], None).unwrap();
        m.run_hour(24 + 9, false);
        assert!(!m.needs_plan(24 + 10), "a fresh plan is kept for its first hours however wrong");
        m.run_hour(24 + 10, false);
        m.run_hour(24 + 11, false);
        assert!(m.needs_plan(24 + 12), "three hours in, the error re-plans");
        m.run_hour(24 + 12, false);
        let next_noon = m.forecast_pv_wh(48 + 12);
        assert!(
            (next_noon - clear_forecast * 0.2).abs() < 1.0,
            "persistence: {next_noon} after a {clear_forecast} forecast"
        );
    }

    /// Planning a day to pledge with eight GPU-hours puts them where PV is (the
    /// import price plus carbon is dearer than PV's export value), as one run.
    #[test]
    fn app_can_choose_its_greenest_hours_to_pledge() {
        let mut m = EnergyManager::new(config(8), 5_000.0).unwrap();
        let planned = m.replan(0, &[], Some((24, 24))).unwrap().clone();
        let runs = planned.compute_runs(24, 24, m.full_compute_wh());
        // Nine sunny hours tie at PV's export value; the simplex may split one.
        let hours: u32 = runs.iter().map(|(_, n)| n).sum();
        assert!((8..=9).contains(&hours), "{runs:?}");
        assert!(runs.iter().all(|(s, n)| *s >= 24 + 8 && s + *n as u64 <= 24 + 17), "only sunny hours: {runs:?}");
        let placed: f64 = planned.compute_wh[24..48].iter().sum();
        assert!((placed - 8.0 * 450.0).abs() < 0.5, "{placed}");
        assert!((0..24).all(|i| planned.compute_wh[i] == 0.0), "nothing outside the flexible day");
    }

    /// What the forecast learnt survives a restart through the state file, and a
    /// nonsensical index from a damaged file is dropped.
    #[test]
    fn app_can_resume_its_forecast_after_a_restart() {
        let mut m = EnergyManager::new(config(24), 5_000.0).unwrap();
        m.run_hour(12, false);
        let learnt = m.clear_sky_index();
        assert!(learnt[12].is_some());
        let resumed = EnergyManager::new(config(24), 5_000.0).unwrap().learnt(&learnt);
        assert_eq!(resumed.forecast_pv_wh(36), m.forecast_pv_wh(36));
        let mut damaged = learnt.to_vec();
        damaged[12] = Some(f64::NAN);
        damaged[13] = Some(40.0);
        let cleaned = EnergyManager::new(config(24), 5_000.0).unwrap().learnt(&damaged);
        assert_eq!(cleaned.clear_sky_index()[12], None);
        assert_eq!(cleaned.clear_sky_index()[13], None);
    }

    /// A car plugged in from 18:00 to 07:00 for 10 kWh is charged when the plan finds
    /// it cheapest and leaves full; without a plan the dumb charger draws at once,
    /// into the dear evening.
    #[test]
    fn app_can_charge_the_car_when_it_is_cheap_and_let_it_leave_full() {
        let car = EvSession { arrive: 18, depart: 7, energy_wh: 10_000.0, max_w: 7_400.0 };
        let mut c = config(24);
        c.spec.ev = Some(car);
        let evening_import = |m: &mut EnergyManager, plan: bool| {
            if plan {
                m.replan(12, &[], None).unwrap();
            }
            let (mut evening, mut car_wh) = (0, 0);
            for hour in 12..12 + 19 {
                let e = m.run_hour(hour, false);
                assert_eq!(
                    e.generated_wh + e.discharged_wh + e.imported_wh,
                    e.house_wh + e.ev_wh + e.compute_wh + e.charged_wh + e.exported_wh
                );
                if (17..=21).contains(&hour) {
                    evening += e.imported_wh;
                }
                car_wh += e.ev_wh;
            }
            (evening, car_wh)
        };
        let (smart, smart_car) = evening_import(&mut EnergyManager::new(c.clone(), 5_000.0).unwrap(), true);
        let (dumb, dumb_car) = evening_import(&mut EnergyManager::new(c.clone(), 5_000.0).unwrap(), false);
        assert!((9_999..=10_000).contains(&smart_car), "the car leaves full: {smart_car} Wh");
        assert_eq!(dumb_car, 10_000);
        assert!(smart + 5_000 < dumb, "evening imports: planned {smart} Wh, dumb charger {dumb} Wh");
        // A restart in the middle of a session resumes it rather than filling the
        // car again: 6 kWh taken leaves 4 kWh to give.
        let mut resumed = EnergyManager::new(c, 5_000.0).unwrap().with_ev_progress(Some(18), 6_000.0);
        let given: u64 = (24..31).map(|h| resumed.run_hour(h, false).ev_wh).sum();
        assert_eq!(given, 4_000);
    }

    /// A session that leaves after the horizon charges as a dumb charger would, and
    /// that draw is in the load the LP balances (not only in the plan it returns).
    #[test]
    fn app_can_plan_around_a_car_session_the_horizon_cuts() {
        let car = EvSession { arrive: 18, depart: 7, energy_wh: 10_000.0, max_w: 7_400.0 };
        let (mut with, without) = (config(24), config(24));
        with.spec.ev = Some(car);
        with.horizon_hours = 24;
        let mut no_car = without;
        no_car.horizon_hours = 24;
        let a = EnergyManager::new(with, 5_000.0).unwrap().request(0, &[], None);
        let b = EnergyManager::new(no_car, 5_000.0).unwrap().request(0, &[], None);
        // 00:00–07:00 is the session already plugged in (the LP's); 18:00 starts
        // one that leaves at 07:00 tomorrow, past the 24-hour horizon.
        assert_eq!(a.window.ev.len(), 1);
        assert_eq!((a.window.ev[0].first, a.window.ev[0].end), (0, 7));
        assert_eq!(a.ev_fixed_wh[18..20], [7_400.0, 2_600.0]);
        for t in 0..24 {
            assert_eq!(a.window.load_wh[t] - b.window.load_wh[t], a.ev_fixed_wh[t], "hour {t}");
        }
        let planned = a.solve().unwrap();
        assert_eq!(planned.ev_wh[18], 7_400.0);
        assert!((planned.ev_wh[..7].iter().sum::<f64>() - 10_000.0).abs() < 0.5);
    }

    /// A configuration the manager could not plan with is refused when it is made.
    #[test]
    fn rejects_a_configuration_it_cannot_plan_with() {
        let refused = |c: ManagerConfig| matches!(EnergyManager::new(c, 0.0), Err(EnergyError::InvalidParameter(_)));
        let mut c = config(24);
        c.prices = Vec::<f64>::new().into();
        assert!(refused(c), "no prices");
        let mut c = config(24);
        c.prices = vec![50.0, f64::NAN].into();
        assert!(refused(c), "a price that is not a number");
        let mut c = config(24);
        c.site = Arc::new(SiteProfile { name: "empty".into(), utc_offset_hours: 0.0, pv_wh_per_kwp: Vec::new() });
        assert!(refused(c), "no PV year");
        let mut c = config(24);
        c.spec.battery.eta_charge = 1.5;
        assert!(refused(c), "a battery out of range");
        let mut c = config(24);
        c.spec.pv_w = -1.0;
        assert!(refused(c), "a negative nameplate");
        let mut c = config(24);
        c.grid_g_per_kwh = f64::INFINITY;
        assert!(refused(c), "carbon that is not a number");
    }

    /// With nothing planned the battery falls back to self-consumption, and the
    /// telemetry body carries the hour's flows.
    #[test]
    fn app_can_run_without_a_plan_and_report_it() {
        let mut m = EnergyManager::new(config(24), 5_000.0).unwrap();
        let e = m.run_hour(12, false);
        assert_eq!(e.imported_wh, 0);
        assert!(e.charged_wh > 0, "the midday surplus charges the battery");
        let r = m.telemetry(DeviceId(7), 12, &e, true);
        assert_eq!(
            (r.start, r.end, r.generated_wh, r.charged_wh),
            (12 * 3_600, 13 * 3_600, e.generated_wh, e.charged_wh)
        );
        assert!(r.outage_before);
        assert_eq!(r.soc_permille, (e.soc_wh / 10.0).round() as u16);
    }
}
