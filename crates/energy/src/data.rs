//! Loaders for the committed real data (`data/`, see `data/DATA.md`): TMY3 weather,
//! SMARD day-ahead prices and carbon intensities. The files are compiled into the
//! binary, so the simulator runs anywhere; the same parsers read any file in the
//! same format and name the file and line of anything they refuse.

use crate::pv::Irradiance;
use crate::solar::Observer;
use crate::EnergyError;
use chrono::{DateTime, NaiveDate};

/// A TMY3 site: where it is and its 8,760 hours.
#[derive(Clone, Debug, PartialEq)]
pub struct WeatherSite {
    pub name: String,
    pub observer: Observer,
    /// Hours from UTC of the file's local standard time (−5 for Greensboro).
    pub utc_offset_hours: f64,
    pub hours: Vec<WeatherHour>,
}

/// One TMY3 hour, stamped with its local standard time at the hour's end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeatherHour {
    pub month: u32,
    pub day: u32,
    /// 1–24: the hour ending at this local standard time.
    pub hour_ending: u32,
    pub irradiance: Irradiance,
    pub pressure_mbar: f64,
}

impl WeatherSite {
    /// The middle of hour `i` as Unix seconds when the typical year is laid on
    /// `year` (which should not be a leap year: TMY3 has no 29 February).
    pub fn mid_hour_unix(&self, year: i32, i: usize) -> Result<f64, EnergyError> {
        let h = &self.hours[i];
        let date = NaiveDate::from_ymd_opt(year, h.month, h.day)
            .ok_or_else(|| EnergyError::InvalidParameter(format!("{}-{}-{} is not a date", year, h.month, h.day)))?;
        let local_midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp() as f64;
        Ok(local_midnight + h.hour_ending as f64 * 3_600.0 - 1_800.0 - self.utc_offset_hours * 3_600.0)
    }
}

/// One hour of a price series: its start (Unix seconds, UTC) and €/MWh.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriceHour {
    pub start: i64,
    pub eur_per_mwh: f64,
}

/// A country's electricity: carbon intensity (gCO₂e/kWh) and renewable share.
#[derive(Clone, Debug, PartialEq)]
pub struct CountryIntensity {
    pub iso_code: String,
    pub year: u32,
    pub g_co2e_per_kwh: f64,
    pub renewables_twh: f64,
    pub total_twh: f64,
    pub name: String,
}

/// The data files shipped in the repository, by name.
pub mod embedded {
    pub const GREENSBORO: (&str, &str) = (
        "greensboro_nc_tmy3.csv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/weather/greensboro_nc_tmy3.csv")),
    );
    pub const SAND_POINT: (&str, &str) = (
        "sand_point_ak_tmy3.csv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/weather/sand_point_ak_tmy3.csv")),
    );
    pub const SMARD_2015: (&str, &str) = (
        "smard_de_2015.csv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/prices/smard_de_2015.csv")),
    );
    pub const SMARD_2018: (&str, &str) = (
        "smard_de_2018.csv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/prices/smard_de_2018.csv")),
    );
    pub const COUNTRIES: (&str, &str) =
        ("countries.csv", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/carbon/countries.csv")));
    pub const SOURCES: (&str, &str) =
        ("sources.csv", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/carbon/sources.csv")));
}

/// Reads a data file from disk (for files other than the embedded ones).
pub fn read(path: &std::path::Path) -> Result<(String, String), EnergyError> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| EnergyError::Io { file: name.clone(), reason: e.to_string() })?;
    Ok((name, text))
}

/// The data rows of a file: `(line number, fields)` after `#` comments and the
/// header, which must be `header` exactly.
fn rows<'a>(file: &str, text: &'a str, header: &str) -> Result<Vec<(usize, Vec<&'a str>)>, EnergyError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.starts_with('#'));
    match lines.next() {
        Some((_, h)) if h.trim() == header => {}
        Some((n, h)) => {
            return Err(EnergyError::Parse {
                file: file.into(),
                line: n,
                reason: format!("header {h:?}, expected {header:?}"),
            })
        }
        None => return Err(EnergyError::Parse { file: file.into(), line: 1, reason: "empty file".into() }),
    }
    let width = header.split(',').count();
    let mut out = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != width {
            return Err(EnergyError::Parse {
                file: file.into(),
                line: n,
                reason: format!("{} fields, expected {width}", fields.len()),
            });
        }
        out.push((n, fields));
    }
    Ok(out)
}

fn number<T: std::str::FromStr>(file: &str, line: usize, what: &str, s: &str) -> Result<T, EnergyError> {
    s.parse().map_err(|_| EnergyError::Parse {
        file: file.into(),
        line,
        reason: format!("{what} {s:?} is not a number"),
    })
}

/// A `# key value, key value` comment's number after `key`.
fn meta(file: &str, text: &str, key: &str) -> Result<f64, EnergyError> {
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        for part in line.trim_start_matches('#').split(',') {
            let part = part.trim();
            if let Some(rest) = part.strip_prefix(key) {
                let value = rest.split_whitespace().next().unwrap_or("");
                return number(file, 1, key, value);
            }
        }
    }
    Err(EnergyError::Parse { file: file.into(), line: 1, reason: format!("no `{key}` in the header comments") })
}

/// Parses a TMY3 file in `data/weather/` form: 8,760 consecutive hours.
pub fn weather(file: &str, text: &str) -> Result<WeatherSite, EnergyError> {
    let header = "month,day,hour,ghi,dni,dhi,temp_air,wind_speed,pressure,albedo";
    let observer = Observer {
        latitude: meta(file, text, "latitude")?,
        longitude: meta(file, text, "longitude")?,
        elevation: meta(file, text, "elevation")?,
    };
    let utc_offset_hours = meta(file, text, "UTC offset")?;
    let name = text.lines().next().and_then(|l| l.trim_start_matches("# ").split(':').next()).unwrap_or(file);
    let mut hours = Vec::with_capacity(8_760);
    let mut previous: Option<(u32, u32, u32)> = None;
    for (n, f) in rows(file, text, header)? {
        let (month, day, hour_ending): (u32, u32, u32) =
            (number(file, n, "month", f[0])?, number(file, n, "day", f[1])?, number(file, n, "hour", f[2])?);
        let expected = match previous {
            None => (1, 1, 1),
            Some((m, d, 24)) => {
                let next = NaiveDate::from_ymd_opt(1990, m, d).and_then(|x| x.succ_opt()).ok_or_else(|| {
                    EnergyError::Parse { file: file.into(), line: n, reason: "date out of range".into() }
                })?;
                (chrono::Datelike::month(&next), chrono::Datelike::day(&next), 1)
            }
            Some((m, d, h)) => (m, d, h + 1),
        };
        if (month, day, hour_ending) != expected {
            return Err(EnergyError::Gap {
                file: file.into(),
                line: n,
                expected: format!("{:02}-{:02} hour {}", expected.0, expected.1, expected.2),
                found: format!("{month:02}-{day:02} hour {hour_ending}"),
            });
        }
        previous = Some((month, day, hour_ending));
        let irradiance = Irradiance {
            ghi: number(file, n, "ghi", f[3])?,
            dni: number(file, n, "dni", f[4])?,
            dhi: number(file, n, "dhi", f[5])?,
            temp_air: number(file, n, "temp_air", f[6])?,
            wind_speed: number(file, n, "wind_speed", f[7])?,
        };
        let pressure_mbar = number(file, n, "pressure", f[8])?;
        hours.push(WeatherHour { month, day, hour_ending, irradiance, pressure_mbar });
    }
    if hours.len() != 8_760 {
        return Err(EnergyError::Parse {
            file: file.into(),
            line: 0,
            reason: format!("{} hours, expected 8,760", hours.len()),
        });
    }
    Ok(WeatherSite { name: name.to_string(), observer, utc_offset_hours, hours })
}

/// Parses a price file in `data/prices/` form: consecutive UTC hours.
pub fn prices(file: &str, text: &str) -> Result<Vec<PriceHour>, EnergyError> {
    let mut out: Vec<PriceHour> = Vec::new();
    for (n, f) in rows(file, text, "utc_hour_start,eur_per_mwh")? {
        let start = DateTime::parse_from_rfc3339(&f[0].replace("Z", ":00Z"))
            .map_err(|_| EnergyError::Parse {
                file: file.into(),
                line: n,
                reason: format!("time {:?} is not YYYY-MM-DDTHH:00Z", f[0]),
            })?
            .timestamp();
        if let Some(last) = out.last() {
            if start != last.start + 3_600 {
                let show = |t: i64| {
                    DateTime::from_timestamp(t, 0).map_or(t.to_string(), |d| d.format("%Y-%m-%dT%H:00Z").to_string())
                };
                return Err(EnergyError::Gap {
                    file: file.into(),
                    line: n,
                    expected: show(last.start + 3_600),
                    found: show(start),
                });
            }
        }
        let eur_per_mwh: f64 = number(file, n, "price", f[1])?;
        if !eur_per_mwh.is_finite() {
            return Err(EnergyError::Parse { file: file.into(), line: n, reason: "price is not finite".into() });
        }
        out.push(PriceHour { start, eur_per_mwh });
    }
    Ok(out)
}

/// Parses `data/carbon/countries.csv`.
pub fn countries(file: &str, text: &str) -> Result<Vec<CountryIntensity>, EnergyError> {
    rows(file, text, "iso_code,year,g_co2e_per_kwh,renewables_twh,total_twh,country_name")?
        .into_iter()
        .map(|(n, f)| {
            Ok(CountryIntensity {
                iso_code: f[0].to_string(),
                year: number(file, n, "year", f[1])?,
                g_co2e_per_kwh: number(file, n, "intensity", f[2])?,
                renewables_twh: number(file, n, "renewables", f[3])?,
                total_twh: number(file, n, "total", f[4])?,
                name: f[5].to_string(),
            })
        })
        .collect()
}

/// Parses `data/carbon/sources.csv`: `(source, gCO₂e/kWh)`.
pub fn sources(file: &str, text: &str) -> Result<Vec<(String, f64)>, EnergyError> {
    rows(file, text, "source,g_co2e_per_kwh")?
        .into_iter()
        .map(|(n, f)| Ok((f[0].to_string(), number(file, n, "intensity", f[1])?)))
        .collect()
}
