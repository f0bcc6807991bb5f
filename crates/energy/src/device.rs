//! The other loads of a smart device: the GPU box and the EV charger.

/// GPU box power: idle draw plus the GPUs' TDP scaled by utilisation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GpuBox {
    pub gpu_count: u32,
    pub tdp_w: f64,
    /// Host draw (CPU, fans, PSU losses) while on, W.
    pub idle_w: f64,
}

impl GpuBox {
    /// Electrical power at `utilisation` ∈ [0, 1] of every GPU, W.
    pub fn power_w(&self, utilisation: f64) -> f64 {
        self.idle_w + self.gpu_count as f64 * self.tdp_w * utilisation.clamp(0.0, 1.0)
    }
    /// GPU-seconds delivered in `hours` at `utilisation`.
    pub fn gpu_seconds(&self, utilisation: f64, hours: f64) -> f64 {
        self.gpu_count as f64 * utilisation.clamp(0.0, 1.0) * hours * 3_600.0
    }
}

/// A daily EV charging session: plugged in over a window of local hours and
/// wanting an amount of energy each day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvSession {
    /// Local hours `[arrive, depart)`; a window past midnight (`arrive > depart`)
    /// wraps into the next morning.
    pub arrive: usize,
    pub depart: usize,
    pub energy_wh: f64,
    pub max_w: f64,
}

impl EvSession {
    /// Hours the car stays plugged in each day (24 when it never leaves).
    pub fn window_hours(&self) -> usize {
        match (self.depart % 24 + 24 - self.arrive % 24) % 24 {
            0 => 24,
            w => w,
        }
    }

    /// Hours since the car arrived, if it is plugged in during local hour `hour`.
    pub fn since_arrival(&self, hour: usize) -> Option<usize> {
        let since = (hour % 24 + 24 - self.arrive % 24) % 24;
        (since < self.window_hours()).then_some(since)
    }

    /// What a dumb charger draws in local hour `hour` (taken mod 24): full power
    /// from arrival until the car has its energy or leaves.
    pub fn draw_wh(&self, hour: usize) -> f64 {
        match self.since_arrival(hour) {
            Some(since) => (self.energy_wh - since as f64 * self.max_w).clamp(0.0, self.max_w),
            None => 0.0,
        }
    }

    /// [`Self::draw_wh`] for each hour of `0..hours`.
    pub fn immediate(&self, hours: usize) -> Vec<f64> {
        (0..hours).map(|h| if h < 24 { self.draw_wh(h) } else { 0.0 }).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpu_power_and_seconds_scale_with_utilisation() {
        let g = GpuBox { gpu_count: 2, tdp_w: 450.0, idle_w: 80.0 };
        assert_eq!(g.power_w(0.0), 80.0);
        assert_eq!(g.power_w(1.0), 980.0);
        assert_eq!(g.power_w(2.0), 980.0, "utilisation is capped at 100 %");
        assert_eq!(g.gpu_seconds(0.5, 1.0), 3_600.0);
    }

    #[test]
    fn a_dumb_charger_fills_the_car_from_arrival() {
        let ev = EvSession { arrive: 18, depart: 23, energy_wh: 20_000.0, max_w: 7_400.0 };
        let drawn = ev.immediate(24);
        assert_eq!(drawn[17], 0.0);
        assert_eq!(&drawn[18..21], &[7_400.0, 7_400.0, 5_200.0]);
        assert_eq!(drawn.iter().sum::<f64>(), 20_000.0);
    }

    #[test]
    fn an_overnight_session_wraps_past_midnight_and_stops_at_departure() {
        let ev = EvSession { arrive: 22, depart: 6, energy_wh: 30_000.0, max_w: 7_400.0 };
        let drawn: Vec<f64> = (0..24).map(|h| ev.draw_wh(h)).collect();
        assert_eq!(&drawn[22..24], &[7_400.0, 7_400.0]);
        assert_eq!(&drawn[0..3], &[7_400.0, 7_400.0, 400.0]);
        assert!(drawn[3..22].iter().all(|e| *e == 0.0));
        let short = EvSession { depart: 1, ..ev };
        assert_eq!(short.draw_wh(0), 7_400.0);
        assert_eq!(short.draw_wh(1), 0.0, "gone at departure, however much it still wanted");
    }
}
