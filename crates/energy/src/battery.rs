//! A home battery: capacity, power limits, charge and discharge efficiency and
//! state-of-charge bounds, stepped one interval at a time.

use crate::EnergyError;

#[derive(Clone, Debug, PartialEq)]
pub struct Battery {
    /// Usable energy at 100 % state of charge, Wh.
    pub capacity_wh: f64,
    /// AC power limits, W.
    pub max_charge_w: f64,
    pub max_discharge_w: f64,
    /// Fraction of the AC energy drawn that is stored, and of the stored energy
    /// released that reaches the AC side (round trip = their product).
    pub eta_charge: f64,
    pub eta_discharge: f64,
    /// State-of-charge bounds as fractions of capacity.
    pub soc_min: f64,
    pub soc_max: f64,
}

/// What one interval did, Wh on the AC side unless named otherwise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatteryStep {
    /// Energy drawn to charge.
    pub drawn_wh: f64,
    /// Energy delivered by discharging.
    pub delivered_wh: f64,
    /// Converter losses both ways.
    pub losses_wh: f64,
    /// Stored energy after the interval.
    pub soc_wh: f64,
}

impl Battery {
    /// A 10 kWh / 5 kW home battery, 95 % each way (90 % round trip), kept in 10–90 %.
    pub fn home() -> Self {
        Battery {
            capacity_wh: 10_000.0,
            max_charge_w: 5_000.0,
            max_discharge_w: 5_000.0,
            eta_charge: 0.95,
            eta_discharge: 0.95,
            soc_min: 0.1,
            soc_max: 0.9,
        }
    }

    pub fn validate(&self) -> Result<(), EnergyError> {
        let ok = self.capacity_wh >= 0.0
            && self.max_charge_w >= 0.0
            && self.max_discharge_w >= 0.0
            && self.eta_charge > 0.0
            && self.eta_charge <= 1.0
            && self.eta_discharge > 0.0
            && self.eta_discharge <= 1.0
            && (0.0..=1.0).contains(&self.soc_min)
            && self.soc_min <= self.soc_max
            && self.soc_max <= 1.0;
        if ok {
            Ok(())
        } else {
            Err(EnergyError::InvalidParameter(format!("battery out of range: {self:?}")))
        }
    }

    pub fn min_wh(&self) -> f64 {
        self.capacity_wh * self.soc_min
    }
    pub fn max_wh(&self) -> f64 {
        self.capacity_wh * self.soc_max
    }

    /// Charges (`request_wh > 0`, AC energy drawn) or discharges (`< 0`, AC energy
    /// delivered) for `hours`, limited by power and state of charge.
    pub fn step(&self, soc_wh: f64, request_wh: f64, hours: f64) -> BatteryStep {
        if request_wh >= 0.0 {
            self.step_pair(soc_wh, request_wh, 0.0, hours)
        } else {
            self.step_pair(soc_wh, 0.0, -request_wh, hours)
        }
    }

    /// Charges `charge_wh` and discharges `discharge_wh` in one interval by sharing
    /// its time (`charge/P_c + discharge/P_d ≤ hours`, scaled down if asked for
    /// more), in whichever order keeps the state of charge in bounds (one always
    /// does while `P·hours` is below the usable span); each leg is clipped to the bounds.
    /// Post-condition: `soc` stays within bounds and
    /// `losses = drawn + soc_before − soc_after − delivered ≥ 0`.
    pub fn step_pair(&self, soc_wh: f64, charge_wh: f64, discharge_wh: f64, hours: f64) -> BatteryStep {
        let soc0 = soc_wh.clamp(self.min_wh(), self.max_wh());
        let (mut c, mut d) = (charge_wh.max(0.0), discharge_wh.max(0.0));
        let share = c / (self.max_charge_w * hours).max(f64::MIN_POSITIVE)
            + d / (self.max_discharge_w * hours).max(f64::MIN_POSITIVE);
        if share > 1.0 {
            c /= share;
            d /= share;
        }
        let charge = |soc: f64, want: f64| {
            let drawn = want.min((self.max_wh() - soc) / self.eta_charge).max(0.0);
            (drawn, soc + drawn * self.eta_charge)
        };
        let discharge = |soc: f64, want: f64| {
            let delivered = want.min((soc - self.min_wh()) * self.eta_discharge).max(0.0);
            (delivered, soc - delivered / self.eta_discharge)
        };
        let charge_first = soc0 + c * self.eta_charge <= self.max_wh();
        let (drawn, delivered, soc1) = if charge_first {
            let (drawn, s) = charge(soc0, c);
            let (delivered, s) = discharge(s, d);
            (drawn, delivered, s)
        } else {
            let (delivered, s) = discharge(soc0, d);
            let (drawn, s) = charge(s, c);
            (drawn, delivered, s)
        };
        BatteryStep {
            drawn_wh: drawn,
            delivered_wh: delivered,
            losses_wh: drawn + soc0 - soc1 - delivered,
            soc_wh: soc1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any request keeps the state of charge in bounds, respects power limits
        /// and conserves energy.
        #[test]
        fn steps_stay_in_bounds_and_conserve_energy(soc in 0.0f64..10_000.0, request in -20_000.0f64..20_000.0) {
            let b = Battery::home();
            let s = b.step(soc, request, 1.0);
            let before = soc.clamp(b.min_wh(), b.max_wh());
            prop_assert!(s.soc_wh >= b.min_wh() - 1e-9 && s.soc_wh <= b.max_wh() + 1e-9);
            prop_assert!(s.drawn_wh <= b.max_charge_w + 1e-9 && s.delivered_wh <= b.max_discharge_w + 1e-9);
            let balance = s.drawn_wh + before - s.soc_wh - s.delivered_wh - s.losses_wh;
            prop_assert!(balance.abs() < 1e-6, "imbalance {balance}");
            prop_assert!(s.losses_wh >= -1e-9);
        }
    }
}
