//! Rooftop PV: plane-of-array irradiance (isotropic sky), SAPM cell temperature,
//! the PVWatts DC model, PVWatts system losses and the PVWatts inverter — the
//! functions pvlib names `irradiance.get_total_irradiance(model="isotropic")`,
//! `temperature.sapm_cell`, `pvsystem.pvwatts_dc`, `pvsystem.pvwatts_losses` and
//! `inverter.pvwatts`.

use crate::solar::SunPosition;
use crate::EnergyError;

/// PVWatts' default loss categories, %: soiling, shading, snow, mismatch, wiring,
/// connections, light-induced degradation, nameplate rating, age, availability.
pub const PVWATTS_DEFAULT_LOSSES: [f64; 10] = [2.0, 3.0, 0.0, 2.0, 2.0, 0.5, 1.5, 1.0, 0.0, 3.0];

/// Combined system losses, %: `100·(1 − Π(1 − lᵢ/100))` (14.0757 % for the defaults,
/// PVWatts' "14.08 %").
pub fn pvwatts_losses_pct(losses: &[f64]) -> f64 {
    100.0 * (1.0 - losses.iter().map(|l| 1.0 - l / 100.0).product::<f64>())
}

/// A rooftop system as PVWatts describes one.
#[derive(Clone, Debug, PartialEq)]
pub struct PvSystem {
    /// DC nameplate at 1,000 W/m² and 25 °C cell temperature, W.
    pub pdc0_w: f64,
    /// Degrees from horizontal.
    pub tilt: f64,
    /// Degrees clockwise from north (180 = facing south).
    pub azimuth: f64,
    /// Ground reflectance.
    pub albedo: f64,
    /// Power temperature coefficient, 1/°C (−0.004 for standard modules).
    pub gamma_pdc: f64,
    pub losses_pct: f64,
    /// DC nameplate over inverter AC rating (PVWatts' default 1.2).
    pub dc_ac_ratio: f64,
    /// Inverter nominal efficiency (PVWatts' default 0.96).
    pub eta_inv_nom: f64,
}

impl PvSystem {
    /// PVWatts defaults for a fixed roof mount facing south at 20°.
    pub fn pvwatts(pdc0_w: f64) -> Self {
        PvSystem {
            pdc0_w,
            tilt: 20.0,
            azimuth: 180.0,
            albedo: 0.2,
            gamma_pdc: -0.004,
            losses_pct: pvwatts_losses_pct(&PVWATTS_DEFAULT_LOSSES),
            dc_ac_ratio: 1.2,
            eta_inv_nom: 0.96,
        }
    }

    pub fn validate(&self) -> Result<(), EnergyError> {
        let ok = self.pdc0_w >= 0.0
            && (0.0..=90.0).contains(&self.tilt)
            && (0.0..=360.0).contains(&self.azimuth)
            && (0.0..=1.0).contains(&self.albedo)
            && (0.0..100.0).contains(&self.losses_pct)
            && self.dc_ac_ratio > 0.0
            && self.eta_inv_nom > 0.0
            && self.eta_inv_nom <= 1.0;
        if ok {
            Ok(())
        } else {
            Err(EnergyError::InvalidParameter(format!("PV system out of range: {self:?}")))
        }
    }

    /// Inverter AC rating, W.
    pub fn pac0_w(&self) -> f64 {
        self.pdc0_w / self.dc_ac_ratio
    }

    /// One hour's output for the given sun and weather.
    pub fn output(&self, sun: &SunPosition, w: &Irradiance) -> PvOutput {
        let poa = poa_isotropic(self.tilt, self.azimuth, self.albedo, sun, w);
        let t_cell = sapm_cell_temperature(poa, w.temp_air, w.wind_speed);
        let dc = pvwatts_dc(poa, t_cell, self.pdc0_w, self.gamma_pdc) * (1.0 - self.losses_pct / 100.0);
        let ac = pvwatts_inverter(dc, self.pac0_w(), self.eta_inv_nom);
        PvOutput { poa_global: poa, temp_cell: t_cell, dc_w: dc, ac_w: ac }
    }
}

/// What the sky and the air do in one hour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Irradiance {
    /// Global horizontal, direct normal and diffuse horizontal irradiance, W/m².
    pub ghi: f64,
    pub dni: f64,
    pub dhi: f64,
    /// °C and m/s.
    pub temp_air: f64,
    pub wind_speed: f64,
}

/// One hour's PV result: plane-of-array irradiance (W/m²), cell temperature (°C),
/// DC after system losses and AC out of the inverter (W).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PvOutput {
    pub poa_global: f64,
    pub temp_cell: f64,
    pub dc_w: f64,
    pub ac_w: f64,
}

/// Cosine of the angle of incidence of the beam on a tilted plane.
pub fn cos_aoi(tilt: f64, surface_azimuth: f64, sun: &SunPosition) -> f64 {
    let (t, z) = (tilt.to_radians(), sun.apparent_zenith.to_radians());
    let daz = (sun.azimuth - surface_azimuth).to_radians();
    (z.cos() * t.cos() + z.sin() * t.sin() * daz.cos()).clamp(-1.0, 1.0)
}

/// Plane-of-array irradiance with an isotropic sky:
/// `DNI·max(cos θ, 0) + DHI·(1 + cos β)/2 + GHI·ρ·(1 − cos β)/2`.
pub fn poa_isotropic(tilt: f64, surface_azimuth: f64, albedo: f64, sun: &SunPosition, w: &Irradiance) -> f64 {
    let beam = (w.dni * cos_aoi(tilt, surface_azimuth, sun)).max(0.0);
    let cos_tilt = tilt.to_radians().cos();
    let sky = w.dhi * (1.0 + cos_tilt) / 2.0;
    let ground = w.ghi * albedo * (1.0 - cos_tilt) / 2.0;
    beam + sky + ground
}

/// SAPM cell temperature for an open rack, glass/polymer module:
/// `T_m = E·exp(a + b·WS) + T_a`, `T_c = T_m + E/1000·ΔT` with a = −3.56, b = −0.075, ΔT = 3 °C.
pub fn sapm_cell_temperature(poa: f64, temp_air: f64, wind_speed: f64) -> f64 {
    let (a, b, delta_t) = (-3.56, -0.075, 3.0);
    let module = poa * (a + b * wind_speed).exp() + temp_air;
    module + poa / 1000.0 * delta_t
}

/// PVWatts DC: `P = G_poa/1000 · P_dc0 · (1 + γ·(T_cell − 25))`.
pub fn pvwatts_dc(poa: f64, temp_cell: f64, pdc0: f64, gamma: f64) -> f64 {
    poa / 1000.0 * pdc0 * (1.0 + gamma * (temp_cell - 25.0))
}

/// PVWatts inverter: with `ζ = P_dc / P_dc0` (`P_dc0 = P_ac0 / η_nom`),
/// `η = η_nom/η_ref · (−0.0162ζ − 0.0059/ζ + 0.9858)`, η_ref = 0.9637; AC clipped to
/// `[0, P_ac0]`.
pub fn pvwatts_inverter(pdc: f64, pac0: f64, eta_nom: f64) -> f64 {
    if pdc <= 0.0 {
        return 0.0;
    }
    let eta_ref = 0.9637;
    let pdc0 = pac0 / eta_nom;
    let zeta = pdc / pdc0;
    let eta = eta_nom / eta_ref * (-0.0162 * zeta - 0.0059 / zeta + 0.9858);
    (eta * pdc).clamp(0.0, pac0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_losses_are_pvwatts_14_08_percent() {
        let l = pvwatts_losses_pct(&PVWATTS_DEFAULT_LOSSES);
        assert!((l - 14.0757).abs() < 1e-4, "{l}");
    }

    #[test]
    fn inverter_is_zero_without_dc_and_clips_at_its_rating() {
        assert_eq!(pvwatts_inverter(0.0, 4_000.0, 0.96), 0.0);
        assert_eq!(pvwatts_inverter(10_000.0, 4_000.0, 0.96), 4_000.0);
        let mid = pvwatts_inverter(2_000.0, 4_000.0, 0.96);
        assert!(mid > 0.9 * 2_000.0 && mid < 2_000.0, "{mid}");
    }

    #[test]
    fn a_flat_panel_sees_the_global_horizontal_irradiance() {
        let sun = SunPosition { apparent_zenith: 30.0, azimuth: 150.0 };
        // GHI = DNI·cos z + DHI for a consistent sky.
        let w = Irradiance {
            ghi: 800.0 * 30f64.to_radians().cos() + 100.0,
            dni: 800.0,
            dhi: 100.0,
            temp_air: 20.0,
            wind_speed: 1.0,
        };
        let poa = poa_isotropic(0.0, 180.0, 0.2, &sun, &w);
        assert!((poa - w.ghi).abs() < 1e-9, "{poa} vs {}", w.ghi);
    }
}
