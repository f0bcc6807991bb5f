//! One simulated device-hour in integer Wh: PV from the site's PVWatts profile, the
//! house's, the EV charger's and the GPUs' draw, and a self-consumption battery
//! rule (charge from surplus, discharge into deficit, the grid takes or gives the
//! rest).

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

/// Simulates local hour `local_hour` (0–23: the house's daily shape and the
/// EV's session) from `soc_wh` with `pv_wh` of PV and GPUs at `utilisation`.
pub fn simulate_hour(spec: &DeviceSpec, soc_wh: f64, pv_wh: f64, utilisation: f64, local_hour: usize) -> HourEnergy {
    let generated = pv_wh.max(0.0).floor() as u64;
    let compute = (spec.gpu.gpu_count as f64 * spec.gpu.tdp_w * utilisation.clamp(0.0, 1.0)).floor() as u64;
    let house = (spec.base_load_w * house_factor(local_hour)).floor() as u64;
    let ev = spec.ev.map_or(0, |session| session.draw_wh(local_hour).floor() as u64);
    let demand = house + ev + compute;
    let b = &spec.battery;
    // Integer AC flows: ask the battery, then replay the whole-Wh amount so the state
    // of charge matches what is reported.
    let (charged, discharged, step) = if generated >= demand {
        let want = b.step(soc_wh, (generated - demand) as f64, 1.0).drawn_wh.floor();
        (want as u64, 0, b.step(soc_wh, want, 1.0))
    } else {
        let want = b.step(soc_wh, -((demand - generated) as f64), 1.0).delivered_wh.floor();
        (0, want as u64, b.step(soc_wh, -want, 1.0))
    };
    let (imported, exported) =
        if generated >= demand { (0, generated - demand - charged) } else { (demand - generated - discharged, 0) };
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
        fn every_hour_conserves_energy(soc in 0.0f64..10_000.0, pv in 0.0f64..4_500.0, util in 0.0f64..1.0, hour in 0usize..24, car in any::<bool>()) {
            let s = spec(car.then_some(CAR));
            let h = simulate_hour(&s, soc, pv, util, hour);
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
        }
    }

    /// The car's evening draw is served by the battery first, then the grid:
    /// the same hour without it takes exactly that much less from the two.
    #[test]
    fn the_evening_car_draws_on_battery_and_grid() {
        let (with, without) = (spec(Some(CAR)), spec(None));
        let a = simulate_hour(&with, 8_000.0, 0.0, 1.0, 19);
        let b = simulate_hour(&without, 8_000.0, 0.0, 1.0, 19);
        assert_eq!(a.ev_wh, 4_600);
        assert_eq!((a.discharged_wh + a.imported_wh) - (b.discharged_wh + b.imported_wh), a.ev_wh);
        assert!(a.imported_wh > b.imported_wh, "5 kW of battery cannot carry car, house and GPUs");
    }
}
