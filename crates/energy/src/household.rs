//! One simulated device-hour in integer Wh: PV from the site's PVWatts profile, the
//! house's, the EV charger's and the GPUs' draw, and the battery run either by the
//! energy manager's plan (toward a planned state of charge) or, with no plan, by a
//! self-consumption rule (charge from surplus, discharge into deficit). The grid
//! takes or gives the rest.

use crate::battery::Battery;
use crate::data::WeatherSite;
use crate::device::{EvSession, GpuBox};
use crate::solar::{sun_position, DELTA_T};
use crate::{EnergyError, PvSystem};

/// A site's PV output per kWp for each hour of its typical year, Wh (AC).
#[derive(Clone, Debug, PartialEq)]
pub struct SiteProfile {
    pub name: String,
    pub utc_offset_hours: f64,
    pub pv_wh_per_kwp: Vec<f64>,
}

impl SiteProfile {
    /// Runs SPA and PVWatts over the site's 8,760 hours for a 1 kWp system.
    pub fn compute(site: &WeatherSite) -> Result<Self, EnergyError> {
        let system = PvSystem::pvwatts(1_000.0);
        let mut pv = Vec::with_capacity(site.hours.len());
        for (i, h) in site.hours.iter().enumerate() {
            let t = site.mid_hour_unix(1990, i)?;
            let sun = sun_position(t, &site.observer, h.pressure_mbar, h.irradiance.temp_air, DELTA_T)?;
            pv.push(system.output(&sun, &h.irradiance).ac_w);
        }
        Ok(SiteProfile { name: site.name.clone(), utc_offset_hours: site.utc_offset_hours, pv_wh_per_kwp: pv })
    }

    /// The typical-year hour that UTC hour `unix_hour` falls on, in the site's local
    /// standard time (the year repeats; 29 February reuses 28 February's index range).
    pub fn hour_of_year(&self, unix_hour: u64) -> usize {
        let local = unix_hour as i64 + self.utc_offset_hours.round() as i64;
        local.rem_euclid(self.pv_wh_per_kwp.len() as i64) as usize
    }
}

/// What one device is made of.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceSpec {
    pub pv_w: f64,
    pub battery: Battery,
    pub gpu: GpuBox,
    /// The house's own draw, W (GPU host idle included).
    pub base_load_w: f64,
    /// The car that charges here every day, if any.
    pub ev: Option<EvSession>,
}

/// One hour's flows, Wh on the AC side. The balance
/// `generated + discharged + imported = house + ev + compute + charged + exported` holds
/// exactly; the battery keeps `charged·η_c − discharged/η_d = Δsoc`, the rest being
/// its `battery_losses_wh`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HourEnergy {
    pub generated_wh: u64,
    pub charged_wh: u64,
    pub discharged_wh: u64,
    pub imported_wh: u64,
    pub exported_wh: u64,
    pub compute_wh: u64,
    pub house_wh: u64,
    /// The EV charger's draw (outside the telemetry's named sinks, like the house).
    pub ev_wh: u64,
    pub gpu_seconds: u64,
    pub battery_losses_wh: f64,
    pub soc_wh: f64,
}

/// How the battery is run for an hour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BatteryMode {
    /// Charge from PV surplus, discharge into the house's deficit (no plan).
    SelfConsumption,
    /// Charge or discharge toward this stored energy (Wh) at the end of the hour,
    /// whatever the house does: the energy manager's plan. The grid covers the
    /// difference, so a forecast error shows up as import or export, not as a
    /// battery that drifts off its schedule.
    Toward(f64),
}

/// Simulates local hour `local_hour` (0–23: the house's daily shape and the
/// EV's session) from `soc_wh` with `pv_wh` of PV, GPUs at `utilisation`, the
/// battery run by `mode` and the car charging `ev_wh` (the energy manager's
/// schedule, or a dumb charger's [`EvSession::draw_wh`]). A car that is not plugged
/// in draws nothing, and no charger draws above its power.
pub fn simulate_hour(
    spec: &DeviceSpec,
    soc_wh: f64,
    pv_wh: f64,
    utilisation: f64,
    local_hour: usize,
    mode: BatteryMode,
    ev_wh: f64,
) -> HourEnergy {
    let generated = pv_wh.max(0.0).floor() as u64;
    let compute = (spec.gpu.gpu_count as f64 * spec.gpu.tdp_w * utilisation.clamp(0.0, 1.0)).floor() as u64;
    let house = (spec.base_load_w * house_factor(local_hour)).floor() as u64;
    let plugged = |session: &EvSession| session.since_arrival(local_hour).is_some();
    let ev = spec.ev.filter(plugged).map_or(0, |session| ev_wh.clamp(0.0, session.max_w).floor() as u64);
    let demand = house + ev + compute;
    let b = &spec.battery;
    // Integer AC flows: ask the battery, then replay the whole-Wh amount so the state
    // of charge matches what is reported.
    // AC request: positive charges (Wh drawn), negative discharges (Wh delivered).
    let request = match mode {
        BatteryMode::SelfConsumption => generated as f64 - demand as f64,
        BatteryMode::Toward(target) => {
            let stored = target - soc_wh.clamp(b.min_wh(), b.max_wh());
            if stored >= 0.0 {
                stored / b.eta_charge
            } else {
                stored * b.eta_discharge
            }
        }
    };
    let (charged, discharged, step) = if request >= 0.0 {
        let want = b.step(soc_wh, request, 1.0).drawn_wh.floor();
        (want as u64, 0, b.step(soc_wh, want, 1.0))
    } else {
        let want = b.step(soc_wh, request, 1.0).delivered_wh.floor();
        (0, want as u64, b.step(soc_wh, -want, 1.0))
    };
    let (sources, sinks) = (generated + discharged, demand + charged);
    let (imported, exported) = if sources >= sinks { (0, sources - sinks) } else { (sinks - sources, 0) };
    HourEnergy {
        generated_wh: generated,
        charged_wh: charged,
        discharged_wh: discharged,
        imported_wh: imported,
        exported_wh: exported,
        compute_wh: compute,
        house_wh: house,
        ev_wh: ev,
        gpu_seconds: spec.gpu.gpu_seconds(utilisation, 1.0).floor() as u64,
        battery_losses_wh: step.losses_wh,
        soc_wh: step.soc_wh,
    }
}

/// A house's draw over the day relative to its base load: low at night, peaks
/// morning and evening.
pub fn house_factor(local_hour: usize) -> f64 {
    const SHAPE: [f64; 24] = [
        0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.9, 1.3, 1.2, 0.9, 0.8, 0.8, 0.9, 0.8, 0.8, 0.9, 1.1, 1.5, 1.8, 1.7, 1.5, 1.2,
        0.9, 0.7,
    ];
    SHAPE[local_hour % 24]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CAR: EvSession = EvSession { arrive: 18, depart: 7, energy_wh: 12_000.0, max_w: 7_400.0 };

    fn spec(ev: Option<EvSession>) -> DeviceSpec {
        DeviceSpec {
            pv_w: 5_000.0,
            battery: Battery::home(),
            gpu: GpuBox { gpu_count: 2, tdp_w: 450.0, idle_w: 80.0 },
            base_load_w: 400.0,
            ev,
        }
    }

    proptest! {
        /// Every simulated hour balances to the Wh (the EV included) and the
        /// battery's books close.
        #[test]
        fn every_hour_conserves_energy(
            soc in 0.0f64..10_000.0,
            pv in 0.0f64..4_500.0,
            util in 0.0f64..1.0,
            hour in 0usize..24,
            car in any::<bool>(),
            target in proptest::option::of(0.0f64..12_000.0),
        ) {
            let s = spec(car.then_some(CAR));
            let mode = target.map_or(BatteryMode::SelfConsumption, BatteryMode::Toward);
            let h = simulate_hour(&s, soc, pv, util, hour, mode, if car { CAR.draw_wh(hour) } else { 0.0 });
            prop_assert_eq!(
                h.generated_wh + h.discharged_wh + h.imported_wh,
                h.house_wh + h.ev_wh + h.compute_wh + h.charged_wh + h.exported_wh
            );
            prop_assert_eq!(h.ev_wh, if car { CAR.draw_wh(hour) as u64 } else { 0 });
            let before = soc.clamp(s.battery.min_wh(), s.battery.max_wh());
            let ledger = h.charged_wh as f64 + before - h.soc_wh - h.discharged_wh as f64 - h.battery_losses_wh;
            prop_assert!(ledger.abs() < 1e-6, "battery ledger off by {}", ledger);
            prop_assert!(h.soc_wh >= s.battery.min_wh() - 1e-9 && h.soc_wh <= s.battery.max_wh() + 1e-9);
            prop_assert!(h.charged_wh == 0 || h.discharged_wh == 0);
            prop_assert!(h.imported_wh == 0 || h.exported_wh == 0);
        }

        /// Following a plan, the battery ends the hour at the planned state of charge
        /// whenever its power and bounds allow it (to the whole AC Wh the flows round
        /// down to, which is 1/η of stored energy).
        #[test]
        fn a_planned_hour_reaches_a_reachable_target(soc in 1_000.0f64..9_000.0, step in -4_000.0f64..4_000.0, pv in 0.0f64..4_500.0) {
            let s = spec(None);
            let target = (soc + step).clamp(s.battery.min_wh(), s.battery.max_wh());
            let h = simulate_hour(&s, soc, pv, 0.5, 12, BatteryMode::Toward(target), 0.0);
            prop_assert!((h.soc_wh - target).abs() <= 1.0 / s.battery.eta_discharge, "ended at {} for {}", h.soc_wh, target);
        }
    }

    /// At night a plan that charges for tomorrow's peak draws from the grid, where
    /// the self-consumption rule would have discharged into the house.
    #[test]
    fn a_plan_can_charge_from_the_grid_at_night() {
        let s = spec(None);
        let planned = simulate_hour(&s, 2_000.0, 0.0, 0.25, 3, BatteryMode::Toward(6_000.0), 0.0);
        assert_eq!(planned.discharged_wh, 0);
        assert_eq!(planned.charged_wh, 4_210, "4,000 Wh stored at 95 % take 4,210 Wh");
        assert_eq!(planned.imported_wh, planned.house_wh + planned.compute_wh + planned.charged_wh);
        let rule = simulate_hour(&s, 2_000.0, 0.0, 0.25, 3, BatteryMode::SelfConsumption, 0.0);
        assert!(rule.discharged_wh > 0 && rule.charged_wh == 0);
    }

    /// A scheduled charge is what the car draws while plugged in, capped at the
    /// charger's power; unplugged it draws nothing whatever the schedule says.
    #[test]
    fn a_scheduled_car_draws_its_schedule_only_while_plugged_in() {
        let s = spec(Some(CAR));
        let night = simulate_hour(&s, 5_000.0, 0.0, 0.25, 2, BatteryMode::SelfConsumption, 3_000.0);
        assert_eq!(night.ev_wh, 3_000);
        let capped = simulate_hour(&s, 5_000.0, 0.0, 0.25, 2, BatteryMode::SelfConsumption, 50_000.0);
        assert_eq!(capped.ev_wh, 7_400);
        let away = simulate_hour(&s, 5_000.0, 3_000.0, 0.25, 12, BatteryMode::SelfConsumption, 3_000.0);
        assert_eq!(away.ev_wh, 0);
    }

    /// The car's evening draw is served by the battery first, then the grid:
    /// the same hour without it takes exactly that much less from the two.
    #[test]
    fn the_evening_car_draws_on_battery_and_grid() {
        let (with, without) = (spec(Some(CAR)), spec(None));
        let a = simulate_hour(&with, 8_000.0, 0.0, 1.0, 19, BatteryMode::SelfConsumption, CAR.draw_wh(19));
        let b = simulate_hour(&without, 8_000.0, 0.0, 1.0, 19, BatteryMode::SelfConsumption, CAR.draw_wh(19));
        assert_eq!(a.ev_wh, 4_600);
        assert_eq!((a.discharged_wh + a.imported_wh) - (b.discharged_wh + b.imported_wh), a.ev_wh);
        assert!(a.imported_wh > b.imported_wh, "5 kW of battery cannot carry car, house and GPUs");
    }
}
