//! The integer math of the derivatives book: payoffs, the SPAN-like portfolio
//! margin over a grid of index moves, perpetual funding, and final prices.
//!
//! Amounts are ugusd (i128 where signed); prices are ugusd per GPU-hour; sizes
//! are contracts. The action bounds (prices ≤ 10¹⁵, sizes ≤ 10¹²) keep every
//! product far inside i128, so the checked forms here only guard corrupt state.

pub use greenhour_primitives::fixed::{mul_div_down, mul_div_up, BPS, WAD};

/// The largest price (ugusd per GPU-hour) and size (contracts) an order or
/// instrument may carry.
pub const MAX_PRICE: u128 = 1_000_000_000_000_000;
pub const MAX_SIZE: u128 = 1_000_000_000_000;
/// A tranche swap's contract: 10⁶ tranche units (one gUSD at par).
pub const UNITS_PER_CONTRACT: u128 = 1_000_000;
/// The highest fixed rate a swap may carry, bps a year.
pub const MAX_FIXED_RATE_BPS: u32 = 10_000;
/// Hours in a (365-day) year: a swap's fixed leg accrues a 8,760th of its rate an hour.
pub const HOURS_PER_YEAR: u128 = 8_760;

/// How a position's value follows the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payoff {
    /// Futures and perpetuals: `price` per contract.
    Linear,
    /// `max(price − strike, 0)`.
    Call(u128),
    /// `max(strike − price, 0)`.
    Put(u128),
}

impl Payoff {
    /// Value of one contract at `price`.
    pub fn per_contract(self, price: u128) -> u128 {
        match self {
            Payoff::Linear => price,
            Payoff::Call(k) => price.saturating_sub(k),
            Payoff::Put(k) => k.saturating_sub(price),
        }
    }
    pub fn is_option(self) -> bool {
        !matches!(self, Payoff::Linear)
    }
}

/// The value of `qty` contracts at `price` (negative for a short).
pub fn value(payoff: Payoff, qty: i128, price: u128) -> Option<i128> {
    qty.checked_mul(i128::try_from(payoff.per_contract(price)).ok()?)
}

/// One position as the margin engine sees it: what it pays and the mark it is
/// valued at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leg {
    pub payoff: Payoff,
    pub qty: i128,
    pub mark: u128,
}

/// The margin grid (SPAN's risk array): `steps` moves each side of the mark up to
/// `scan_bps`, and two extreme moves of `extreme_bps` whose linear losses count
/// at `extreme_cover_bps` while option losses count in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    pub scan_bps: u32,
    pub steps: u32,
    pub extreme_bps: u32,
    pub extreme_cover_bps: u32,
}

/// `mark` moved by `move_bps` (floored at zero).
pub fn moved(mark: u128, move_bps: i64) -> Option<u128> {
    let factor = i128::from(BPS as i64 + move_bps).max(0) as u128;
    // Marks are at most 10^15 and factors 2·10^4, so the product fits u128: no
    // 256-bit division on the margin path (it runs for every leg and scenario).
    match mark.checked_mul(factor) {
        Some(p) => Some(p / BPS),
        None => mul_div_down(mark, factor, BPS),
    }
}

/// The scenarios: `(move_bps, extreme)`.
pub fn scenarios(grid: &Grid) -> Vec<(i64, bool)> {
    let steps = i64::from(grid.steps.max(1));
    let mut out: Vec<(i64, bool)> = (-steps..=steps).map(|k| (k * i64::from(grid.scan_bps) / steps, false)).collect();
    out.push((-i64::from(grid.extreme_bps), true));
    out.push((i64::from(grid.extreme_bps), true));
    out
}

/// The loss of `legs` (all on one index) in one scenario: value at the mark less
/// value at the moved price, linear legs weighted in extreme scenarios.
pub fn scenario_loss(legs: &[Leg], move_bps: i64, extreme: bool, grid: &Grid) -> Option<i128> {
    let mut linear = 0i128;
    let mut options = 0i128;
    for leg in legs {
        let at = moved(leg.mark, move_bps)?;
        let loss = value(leg.payoff, leg.qty, leg.mark)?.checked_sub(value(leg.payoff, leg.qty, at)?)?;
        if leg.payoff.is_option() {
            options = options.checked_add(loss)?;
        } else {
            linear = linear.checked_add(loss)?;
        }
    }
    if extreme {
        // Weighted like SPAN's extreme scenarios; rounded against the account.
        let w = i128::from(grid.extreme_cover_bps);
        let b = BPS as i128;
        linear = if linear >= 0 { (linear * w + b - 1) / b } else { linear * w / b };
    }
    linear.checked_add(options)
}

/// The maintenance margin of legs on one index: the worst scenario's loss (zero
/// when no scenario loses).
pub fn requirement(legs: &[Leg], grid: &Grid) -> Option<u128> {
    requirement_over(legs, &scenarios(grid), grid)
}

/// [`requirement`] over scenarios computed once for many portfolios.
pub fn requirement_over(legs: &[Leg], scenarios: &[(i64, bool)], grid: &Grid) -> Option<u128> {
    let mut worst = 0i128;
    for &(m, extreme) in scenarios {
        worst = worst.max(scenario_loss(legs, m, extreme, grid)?);
    }
    u128::try_from(worst).ok()
}

/// Initial margin from maintenance: `maintenance × ratio_bps / 10⁴`, rounded up.
pub fn initial(maintenance: u128, ratio_bps: u32) -> Option<u128> {
    mul_div_up(maintenance, u128::from(ratio_bps), BPS)
}

/// One hour's funding per contract: the perpetual's premium over the index paid
/// over `period_hours`, capped at `cap_bps` of the index. Positive: longs pay.
pub fn funding_rate(perp_price: u128, index: u128, period_hours: u32, cap_bps: u32) -> i128 {
    let premium = perp_price as i128 - index as i128;
    let rate = premium / i128::from(period_hours.max(1));
    let cap = mul_div_down(index, u128::from(cap_bps), BPS).unwrap_or(0) as i128;
    rate.clamp(-cap, cap)
}

/// One hour of a swap's fixed leg per contract: `mark × rate / 10⁴ / 8,760`,
/// rounded down, owed by the long.
pub fn fixed_leg(mark: u128, fixed_rate_bps: u32) -> i128 {
    mul_div_down(mark, u128::from(fixed_rate_bps), BPS * HOURS_PER_YEAR).map_or(0, |r| r as i128)
}

/// Volume-weighted price of `quote` ugusd over `contracts` (rounded down).
pub fn vwap(quote: u128, contracts: u128) -> Option<u128> {
    quote.checked_div(contracts)
}

/// A WAD index price in ugusd per GPU-hour (rounded down).
pub fn from_wad(price_wad: u128) -> u128 {
    price_wad / WAD
}

/// A fee of `bps` on `notional`, rounded up.
pub fn fee(notional: u128, bps: u32) -> Option<u128> {
    mul_div_up(notional, u128::from(bps), BPS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn grid() -> Grid {
        Grid { scan_bps: 2_000, steps: 3, extreme_bps: 10_000, extreme_cover_bps: 2_500 }
    }

    #[test]
    fn a_long_future_needs_the_worse_of_the_scan_and_the_weighted_crash() {
        // 100 contracts at 0.5 gUSD: the 20 % scan loses 10 gUSD, a crash to zero
        // 50 gUSD weighted at 25 %: 12.5 gUSD.
        let legs = [Leg { payoff: Payoff::Linear, qty: 100, mark: 500_000 }];
        assert_eq!(requirement(&legs, &grid()), Some(12_500_000));
    }

    #[test]
    fn a_written_put_is_fully_cash_secured() {
        // Short 10 puts struck at 0.6 gUSD, index 0.5: the crash to zero costs 6 gUSD
        // against today's 1 gUSD of intrinsic value, in full.
        let legs = [Leg { payoff: Payoff::Put(600_000), qty: -10, mark: 500_000 }];
        assert_eq!(requirement(&legs, &grid()), Some(5_000_000));
    }

    #[test]
    fn hedges_and_spreads_need_their_combined_worst_loss_not_the_sum() {
        let mark = 500_000;
        let future = Leg { payoff: Payoff::Linear, qty: 100, mark };
        let put = Leg { payoff: Payoff::Put(450_000), qty: 100, mark };
        let hedged = requirement(&[future, put], &grid()).unwrap();
        // The put caps the future's loss at 5 gUSD (0.50 → 0.45 on 100 GPU-hours).
        assert_eq!(hedged, 5_000_000);
        assert!(hedged < requirement(&[future], &grid()).unwrap());
        // A call spread (long 0.50, short 0.60) loses at most what it is worth now.
        let long = Leg { payoff: Payoff::Call(500_000), qty: 10, mark };
        let short = Leg { payoff: Payoff::Call(600_000), qty: -10, mark };
        assert_eq!(requirement(&[long, short], &grid()).unwrap(), 0, "worth nothing at the mark, it can only gain");
        assert_eq!(requirement(&[short], &grid()).unwrap(), 4_000_000, "the short call alone, to a doubled index");
    }

    proptest! {
        /// A position and its exact opposite need no margin together, whatever it pays.
        #[test]
        fn an_offset_portfolio_needs_no_margin(qty in 1i128..1_000_000, mark in 1u128..10_000_000, strike in 1u128..10_000_000, kind in 0u8..3) {
            let payoff = match kind { 0 => Payoff::Linear, 1 => Payoff::Call(strike), _ => Payoff::Put(strike) };
            let legs = [Leg { payoff, qty, mark }, Leg { payoff, qty: -qty, mark }];
            prop_assert_eq!(requirement(&legs, &grid()), Some(0));
        }

        /// Margin covers the loss of every move inside the scan range (not only the
        /// grid's points: losses are monotone between them for these payoffs), and
        /// grows with the position.
        #[test]
        fn margin_covers_every_move_in_the_scan_range(qty in -1_000_000i128..1_000_000, mark in 1u128..10_000_000, strike in 1u128..10_000_000, kind in 0u8..3, m in -2_000i64..=2_000) {
            let payoff = match kind { 0 => Payoff::Linear, 1 => Payoff::Call(strike), _ => Payoff::Put(strike) };
            let leg = Leg { payoff, qty, mark };
            let req = requirement(&[leg], &grid()).unwrap();
            let at = moved(mark, m).unwrap();
            let loss = value(payoff, qty, mark).unwrap() - value(payoff, qty, at).unwrap();
            prop_assert!(loss <= req as i128, "loss {loss} at {m} bps above margin {req}");
            let bigger = requirement(&[Leg { qty: qty * 2, ..leg }], &grid()).unwrap();
            prop_assert!(bigger >= req);
        }

        /// A written option's margin covers its whole worst payoff down to a zero
        /// index (puts) and up to the extreme move (calls).
        #[test]
        fn written_options_are_collateralised_to_the_extremes(qty in 1i128..1_000_000, mark in 1u128..10_000_000, strike in 1u128..10_000_000, call in any::<bool>()) {
            let payoff = if call { Payoff::Call(strike) } else { Payoff::Put(strike) };
            let leg = Leg { payoff, qty: -qty, mark };
            let req = requirement(&[leg], &grid()).unwrap() as i128;
            let worst_price = if call { moved(mark, 10_000).unwrap() } else { 0 };
            let owed = qty * payoff.per_contract(worst_price) as i128 - qty * payoff.per_contract(mark) as i128;
            prop_assert!(req >= owed);
        }

        /// Funding never exceeds its cap and has the premium's sign.
        #[test]
        fn funding_is_capped_and_signed(perp in 0u128..10_000_000, index in 1u128..10_000_000, period in 1u32..48, cap in 0u32..1_000) {
            let r = funding_rate(perp, index, period, cap);
            let c = (index * u128::from(cap) / BPS) as i128;
            prop_assert!(r.abs() <= c);
            prop_assert!(r == 0 || (r > 0) == (perp > index));
        }
    }
}
