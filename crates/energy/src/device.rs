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

/// An EV charging session: plugged in for a window and wanting an amount of energy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvSession {
    /// Hour indices `[arrive, depart)`.
    pub arrive: usize,
    pub depart: usize,
    pub energy_wh: f64,
    pub max_w: f64,
}

impl EvSession {
    /// Charges as soon as plugged in, at full power: what a dumb charger does.
    /// Returns the energy drawn in each hour of `0..hours`.
    pub fn immediate(&self, hours: usize) -> Vec<f64> {
        let mut left = self.energy_wh;
        (0..hours)
            .map(|h| {
                if h >= self.arrive && h < self.depart && left > 0.0 {
                    let e = left.min(self.max_w);
                    left -= e;
                    e
                } else {
                    0.0
                }
            })
            .collect()
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
}
