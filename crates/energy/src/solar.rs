//! Where the sun is: NREL SPA (Reda & Andreas 2004) through `solar-positioning`.

use crate::EnergyError;
use chrono::{DateTime, Datelike, Timelike};
use solar_positioning::{spa, time::JulianDate, RefractionCorrection};

/// Topocentric sun position, degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SunPosition {
    /// Zenith angle including atmospheric refraction (pvlib's `apparent_zenith`).
    pub apparent_zenith: f64,
    /// Azimuth, clockwise from north.
    pub azimuth: f64,
}

/// Where on Earth, and the air the light goes through.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observer {
    pub latitude: f64,
    pub longitude: f64,
    /// Metres above sea level.
    pub elevation: f64,
}

/// ΔT = TT − UT1 in seconds used unless a caller knows better (the SPA example's 67 s;
/// a few seconds either way move the sun by arc-seconds).
pub const DELTA_T: f64 = 67.0;

/// Sun position at `unix_seconds` (UTC, may be fractional) seen from `observer`,
/// with refraction for `pressure_mbar` and `temperature_c`.
pub fn sun_position(
    unix_seconds: f64,
    observer: &Observer,
    pressure_mbar: f64,
    temperature_c: f64,
    delta_t: f64,
) -> Result<SunPosition, EnergyError> {
    let err = |e: solar_positioning::Error| EnergyError::SolarPosition(e.to_string());
    let whole = unix_seconds.floor();
    let t = DateTime::from_timestamp(whole as i64, 0)
        .ok_or_else(|| EnergyError::SolarPosition(format!("time {unix_seconds} out of range")))?;
    let second = t.second() as f64 + (unix_seconds - whole);
    let jd = JulianDate::from_utc(t.year(), t.month(), t.day(), t.hour(), t.minute(), second, delta_t).map_err(err)?;
    let refraction = RefractionCorrection::new(pressure_mbar, temperature_c).map_err(err)?;
    let p = spa::solar_position_from_julian(
        jd,
        observer.latitude,
        observer.longitude,
        observer.elevation,
        Some(refraction),
    )
    .map_err(err)?;
    Ok(SunPosition { apparent_zenith: p.zenith_angle(), azimuth: p.azimuth() })
}
