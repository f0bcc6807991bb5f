//! The crate-level invariants, checked over the whole state (tests and audits).

use crate::math::BPS;
use crate::state;
use greenhour_state::StateRead;

/// See the crate documentation for the invariants checked here.
pub fn check(s: &impl StateRead) -> Result<(), String> {
    for (key, b) in state::all_buckets(s).map_err(|e| e.to_string())? {
        let has = [b.fills > 0, b.slots > 0, b.quote > 0];
        if has.iter().any(|h| *h != has[0]) {
            return Err(format!("{key}: {} fills for {} slots and {} quote", b.fills, b.slots, b.quote));
        }
        let within = |green: u128, plain: u128| plain.checked_mul(BPS).is_none_or(|max| green <= max);
        if !within(b.green_slots, b.slots) || !within(b.green_quote, b.quote) {
            return Err(format!("{key}: green-weighted sums above 10,000 × the plain sums"));
        }
    }
    for (key, s) in state::all_supplies(s).map_err(|e| e.to_string())? {
        if s.units.checked_mul(BPS).is_some_and(|max| s.green_units > max) {
            return Err(format!("{key}: {} green units for {} units", s.green_units, s.units));
        }
    }
    Ok(())
}
