//! Integer math of packages: tranche values down the seniority, prices per unit,
//! coupon accrual, lazy payouts per unit, and the closed forms the epoch solver
//! uses to stay inside the reserve and every tranche's subordination. No floats;
//! each function names its rounding, which goes against the caller (the
//! investor or holder) so the package never owes more than it has.

pub use greenhour_primitives::fixed::{mul_div_down, mul_div_up, BPS, WAD};

/// Seconds in the 365-day year coupons are quoted over.
pub const SECONDS_PER_YEAR: u128 = 31_536_000;

/// A coupon accrued on `principal` at `coupon_bps` a year over `seconds`, rounded up
/// (what the package owes).
pub fn coupon_up(principal: u128, coupon_bps: u32, seconds: u64) -> Option<u128> {
    let per_year = principal.checked_mul(u128::from(coupon_bps))?;
    mul_div_up(per_year, u128::from(seconds), BPS * SECONDS_PER_YEAR)
}

/// Each tranche's value, most senior first: a tranche with a claim (principal and
/// owed coupon) is worth its claim while the package's value lasts; the last
/// (residual) tranche is worth what is left. So losses reach the junior first.
pub fn tranche_values(total: u128, claims: &[u128]) -> Vec<u128> {
    let mut left = total;
    let mut values = Vec::with_capacity(claims.len() + 1);
    for claim in claims {
        let v = (*claim).min(left);
        left -= v;
        values.push(v);
    }
    values.push(left);
    values
}

/// Price of one unit in ugusd, WAD; 1 ugusd at par (no units yet), rounded down.
pub fn price_wad(value: u128, units: u128) -> Option<u128> {
    if units == 0 {
        Some(WAD)
    } else {
        mul_div_down(value, WAD, units)
    }
}

/// Units `amount` ugusd buys at `price_wad`, rounded down (0 if the tranche is worthless).
pub fn units_down(amount: u128, price_wad: u128) -> Option<u128> {
    if price_wad == 0 {
        return Some(0);
    }
    mul_div_down(amount, WAD, price_wad)
}

/// ugusd `units` are worth at `price_wad`, rounded down.
pub fn cash_down(units: u128, price_wad: u128) -> Option<u128> {
    mul_div_down(units, price_wad, WAD)
}

/// A tranche's realised yield: coupons `paid` over the principal outstanding
/// through time (`principal_seconds`, ugusd·s), annualised, bps, rounded down;
/// `None` before any principal was outstanding.
pub fn realised_yield_bps(paid: u128, principal_seconds: u128) -> Option<u32> {
    if principal_seconds == 0 {
        return None;
    }
    let per_year = paid.checked_mul(BPS * SECONDS_PER_YEAR)?;
    Some(u32::try_from(per_year / principal_seconds).unwrap_or(u32::MAX))
}

/// The annualised return of one unit bought at par (1 ugusd) `seconds` ago that is
/// worth `price_wad` now and was paid `paid_per_unit_wad` on the way, bps (negative
/// for a loss), rounded toward zero; `None` for no time elapsed or on overflow.
pub fn return_since_par_bps(price_wad: u128, paid_per_unit_wad: u128, seconds: u64) -> Option<i64> {
    if seconds == 0 {
        return None;
    }
    let gain = i128::try_from(price_wad.checked_add(paid_per_unit_wad)?).ok()? - WAD as i128;
    let annual = gain.checked_mul((BPS * SECONDS_PER_YEAR) as i128)? / (WAD as i128 * i128::from(seconds));
    i64::try_from(annual).ok()
}

/// What the tranches junior to `i` are worth together.
fn junior_to(values: &[u128], i: usize) -> u128 {
    values[i + 1..].iter().sum()
}

/// Whether every tranche keeps its subordination: the tranches junior to it hold at
/// least `min_bps` of the package's value (an empty package holds trivially).
pub fn subordination_holds(values: &[u128], min_bps: &[u32]) -> bool {
    let total: u128 = values.iter().sum();
    min_bps
        .iter()
        .enumerate()
        .all(|(i, m)| *m == 0 || junior_to(values, i).saturating_mul(BPS) >= u128::from(*m).saturating_mul(total))
}

/// Most gUSD tranche `k` may pay out to redeemers: within the reserve, and leaving
/// every tranche senior to `k` its subordination (redeeming `a` lowers both the
/// junior part and the total by `a`: `(J − a)/(V − a) ≥ m ⇔ a ≤ (J·10⁴ − m·V)/(10⁴ − m)`).
/// Rounded down.
pub fn max_redeem(values: &[u128], min_bps: &[u32], k: usize, reserve: u128) -> u128 {
    let total: u128 = values.iter().sum();
    let mut max = reserve.min(values[k]);
    for (i, m) in min_bps.iter().enumerate().take(k) {
        if *m == 0 {
            continue;
        }
        let m = u128::from(*m);
        let room = junior_to(values, i).saturating_mul(BPS).saturating_sub(m.saturating_mul(total)) / (BPS - m);
        max = max.min(room);
    }
    max
}

/// Most gUSD tranche `k` may take in: investing `a` raises the total by `a`, so
/// each tranche at or above `k`, whose junior part does not grow, needs
/// `J/(V + a) ≥ m ⇔ a ≤ (J·10⁴ − m·V)/m`. Rounded down; `u128::MAX` when nothing binds.
pub fn max_invest(values: &[u128], min_bps: &[u32], k: usize) -> u128 {
    let total: u128 = values.iter().sum();
    let mut max = u128::MAX;
    for (i, m) in min_bps.iter().enumerate().skip(k) {
        if *m == 0 {
            continue;
        }
        let m = u128::from(*m);
        let room = junior_to(values, i).saturating_mul(BPS).saturating_sub(m.saturating_mul(total)) / m;
        max = max.min(room);
    }
    max
}

/// A payout per unit added to the tranche's accumulator, rounded down (dust stays
/// with the package).
pub fn per_unit_down(amount: u128, units: u128) -> Option<u128> {
    if units == 0 {
        return Some(0);
    }
    mul_div_down(amount, WAD, units)
}

/// A holder's payout since its snapshot, rounded down.
pub fn owed_down(units: u128, per_unit_now: u128, snapshot: u128) -> Option<u128> {
    mul_div_down(units, per_unit_now.saturating_sub(snapshot), WAD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn case() -> impl Strategy<Value = (Vec<u128>, Vec<u32>, u128)> {
        (2usize..6).prop_flat_map(|n| {
            (
                proptest::collection::vec(0u128..1_000_000_000_000, n),
                proptest::collection::vec(0u32..9_000, n - 1),
                0u128..1_000_000_000_000,
            )
        })
    }

    proptest! {
        /// Redeeming the most the solver allows keeps every subordination that held,
        /// and stays within the reserve and the tranche.
        #[test]
        fn max_redeem_keeps_subordination((values, mins, reserve) in case(), k in 0usize..6) {
            let k = k % values.len();
            prop_assume!(subordination_holds(&values, &mins));
            let a = max_redeem(&values, &mins, k, reserve);
            prop_assert!(a <= reserve && a <= values[k]);
            let mut after = values.clone();
            after[k] -= a;
            prop_assert!(subordination_holds(&after, &mins), "{values:?} {mins:?} k {k} a {a}");
        }

        /// Investing the most the solver allows keeps every subordination that held.
        #[test]
        fn max_invest_keeps_subordination((values, mins, _r) in case(), k in 0usize..6, want in 0u128..1_000_000_000_000) {
            let k = k % values.len();
            prop_assume!(subordination_holds(&values, &mins));
            let a = max_invest(&values, &mins, k).min(want);
            let mut after = values.clone();
            after[k] += a;
            prop_assert!(subordination_holds(&after, &mins), "{values:?} {mins:?} k {k} a {a}");
        }

        /// Tranche values sum to the total, each senior one at most its claim.
        #[test]
        fn tranche_values_split_the_total(total in 0u128..1u128 << 100, claims in proptest::collection::vec(0u128..1u128 << 90, 0..5)) {
            let v = tranche_values(total, &claims);
            prop_assert_eq!(v.iter().sum::<u128>(), total);
            for (value, claim) in v.iter().zip(&claims) {
                prop_assert!(value <= claim);
            }
        }

        /// A tranche paid exactly its accrued coupon reports its coupon rate as realised.
        #[test]
        fn a_fully_paid_coupon_realises_its_rate(principal in 1u128..1u128 << 70, coupon in 0u32..5_000, seconds in 1u64..1 << 30) {
            let paid = coupon_up(principal, coupon, seconds).unwrap();
            let realised = realised_yield_bps(paid, principal * u128::from(seconds)).unwrap();
            // Coupons round up, the yield rounds down: never below the rate, and
            // exactly it once a unit of coupon is under a basis point of a year's.
            prop_assert!(realised >= coupon);
            if principal * u128::from(seconds) >= BPS * SECONDS_PER_YEAR {
                prop_assert_eq!(realised, coupon);
            }
        }

        /// A unit at par paid its coupon returns the coupon rate; one worth half par lost.
        #[test]
        fn a_par_unit_paid_its_coupon_returns_the_coupon(coupon in 0u32..5_000, seconds in 3_600u64..1 << 28) {
            // One unit of a tranche of 10^12 at par, paid the exact coupon per unit.
            let units = 1_000_000_000_000u128;
            let paid = coupon_up(units, coupon, seconds).unwrap();
            let per_unit = per_unit_down(paid, units).unwrap();
            let r = return_since_par_bps(WAD, per_unit, seconds).unwrap();
            prop_assert!((r - i64::from(coupon)).abs() <= 1, "return {} for coupon {}", r, coupon);
            prop_assert!(return_since_par_bps(WAD / 2, 0, seconds).unwrap() < 0);
        }

        /// Buying and selling back at one price never returns more than was paid.
        #[test]
        fn a_round_trip_never_gains(amount in 0u128..1u128 << 80, price in 1u128..1u128 << 80) {
            let units = units_down(amount, price).unwrap();
            prop_assert!(cash_down(units, price).unwrap() <= amount);
        }

        /// Lazy payouts never pay holders more than was distributed.
        #[test]
        fn lazy_payouts_never_exceed_the_payout(shares in proptest::collection::vec(1u128..1u128 << 60, 1..20), paid in 0u128..1u128 << 80) {
            let units: u128 = shares.iter().sum();
            let per_unit = per_unit_down(paid, units).unwrap();
            let total: u128 = shares.iter().map(|s| owed_down(*s, per_unit, 0).unwrap()).sum();
            prop_assert!(total <= paid);
        }
    }
}
