//! Direct deposits: gUSD minted straight into a lending market's supply, after
//! Maker's Direct Deposit Module (D3M), which mints DAI into Aave and Morpho
//! markets. Governance names the market (`direct_market`), a ceiling and a target
//! utilisation. Once an hour the module
//! 1. takes what its supply position earned above what it minted (the market's
//!    borrowers' interest) and pays it to the stability pool, like vault interest;
//! 2. moves its supply towards what keeps the market at the target utilisation
//!    with `direct_buffer` still free to borrow: minting and supplying gUSD when
//!    borrowers need more (up to the ceiling), withdrawing and burning it when
//!    they repay (as far as the market's liquidity allows).
//!
//! A market governance no longer names, or whose loan is not gUSD, is unwound the
//! same way, as fast as its liquidity allows. gUSD minted this way is backed by
//! the market's loans, and through them by its collateral: position NFTs for a
//! green-compute market, which is what the reserve report counts as green compute.
//! A loss in the market (bad debt spread over suppliers) leaves the position worth
//! less than it minted; the record keeps the difference and the report shows it.

use super::{account, overflow, pay_interest, Interest};
use crate::event::StableEvent;
use crate::math::BPS;
use crate::params::StableParams;
use crate::state::{self, DirectDeposit};
use crate::{keys, StableError};
use greenhour_bank::api as bank;
use greenhour_framework::{BlockCtx, StateWrite};
use greenhour_lending::api as lending;
use greenhour_lending::MarketId;
use greenhour_primitives::{Coin, Denom, UnixSeconds};

const HOUR: u64 = 3_600;

/// Moves smaller than one gUSD wait for a larger one: they would only churn
/// shares and events.
const MIN_STEP: u128 = 1_000_000;

/// Once an hour: every direct deposit no longer named is unwound, and the named
/// one rebalanced. A chain that never configured one writes nothing here.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), StableError> {
    let params = state::params(state)?;
    let deposits = state::direct_deposits(state)?;
    if params.direct_market == 0 && deposits.is_empty() {
        return Ok(());
    }
    let hour = ctx.time / HOUR;
    if state::direct_hour(state)?.is_some_and(|h| h >= hour) {
        return Ok(());
    }
    state.put(&keys::direct_hour(), &hour);
    for d in deposits.iter().filter(|d| d.market != params.direct_market) {
        rebalance(state, d.market, None, ctx.time)?;
    }
    if params.direct_market != 0 {
        rebalance(state, params.direct_market, Some(&params), ctx.time)?;
    }
    Ok(())
}

/// The supply the direct deposit aims at: what keeps the market at the target
/// utilisation and `buffer` free to borrow, less what others supply (never
/// negative). Rounded up: the market gets the gUSD its borrowers need.
pub fn wanted_supply(borrowed: u128, others: u128, params: &StableParams) -> Option<u128> {
    let at_target = crate::math::mul_div_up(borrowed, BPS, u128::from(params.direct_target_utilisation_bps))?;
    let with_buffer = borrowed.checked_add(params.direct_buffer)?;
    Some(at_target.max(with_buffer).saturating_sub(others))
}

/// One market's direct deposit brought to its target (`None`: unwound).
fn rebalance(
    state: &mut impl StateWrite,
    market: u64,
    target: Option<&StableParams>,
    now: UnixSeconds,
) -> Result<(), StableError> {
    let id = MarketId(market);
    let mut d = state.get(&keys::direct(market))?.unwrap_or(DirectDeposit { market, minted: 0 });
    let view = match lending::supplier(state, id, &account(), now) {
        Ok(v) => v,
        // Governance named a market that does not exist: nothing to do until it does.
        Err(greenhour_lending::LendingError::UnknownMarket(_)) if d.minted == 0 => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    // Only a gUSD market can take gUSD: one lending another denom is left alone.
    let target = target.filter(|_| view.market.loan == Denom::gusd());
    if view.market.loan != Denom::gusd() && d.minted == 0 {
        return Ok(());
    }
    let mut ours = view.assets;
    let mut liquidity = view.liquidity();
    let others = view.totals.supply_assets.saturating_sub(ours);
    let borrowed = view.totals.borrow_assets;
    let gusd = |amount| Coin::new(Denom::gusd(), amount);

    // 1. Earnings: the position's worth above what was minted.
    let mut earned = ours.saturating_sub(d.minted).min(liquidity);
    if earned >= MIN_STEP {
        lending::withdraw(state, &account(), id, earned, now)?;
        ours -= earned;
        liquidity -= earned;
    } else {
        earned = 0;
    }

    // 2. Towards the target.
    let wanted = match target {
        Some(p) => overflow(wanted_supply(borrowed, others, p))?,
        None => 0,
    };
    let mut minted_delta: i128 = 0;
    if wanted > ours {
        let room = target.map_or(0, |p| p.direct_ceiling.saturating_sub(d.minted));
        let mint = (wanted - ours).min(room);
        if mint >= MIN_STEP {
            bank::mint(state, crate::NAME, &account(), &gusd(mint))?;
            lending::supply(state, &account(), id, mint, now)?;
            d.minted = overflow(d.minted.checked_add(mint))?;
            ours += mint;
            minted_delta = mint as i128;
        }
    } else {
        let take = (ours - wanted).min(liquidity);
        // Unwinding takes the last gUSD too, however small.
        if take >= MIN_STEP || (take > 0 && take == ours && wanted == 0) {
            lending::withdraw(state, &account(), id, take, now)?;
            // What the position holds above what it minted is earnings (too small
            // to take on its own above): paid out, not burned.
            let paid = take.min(ours.saturating_sub(d.minted));
            let burn = take - paid;
            bank::burn(state, crate::NAME, &gusd(burn))?;
            d.minted -= burn;
            ours -= take;
            earned += paid;
            minted_delta = -(burn as i128);
        }
    }
    let to_pool = earned > 0 && pay_interest(state, earned, Interest::Held)?;

    if d.minted == 0 && ours == 0 {
        state.delete(&keys::direct(market));
    } else {
        state.put(&keys::direct(market), &d);
    }
    if minted_delta != 0 || earned > 0 {
        state.emit(
            StableEvent::DirectDeposit { market, minted_delta, earned, to_pool, minted: d.minted, assets: ours }.into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// What the direct deposit aims at keeps the market at or below its target
        /// utilisation and at least the buffer free to borrow, and is the least
        /// supply that does both (one unit less breaks one of them).
        #[test]
        fn wanted_supply_holds_the_target_and_the_buffer_with_nothing_to_spare(
            borrowed in 0u128..1_000_000_000_000_000,
            others in 0u128..1_000_000_000_000_000,
            target_bps in 5_000u32..=9_900,
            buffer in 0u128..100_000_000_000_000,
        ) {
            let params = StableParams { direct_target_utilisation_bps: target_bps, direct_buffer: buffer, ..Default::default() };
            let wanted = wanted_supply(borrowed, others, &params).unwrap();
            let total = others + wanted;
            prop_assert!(borrowed * BPS <= total * u128::from(target_bps), "utilisation above the target");
            prop_assert!(total >= borrowed + buffer, "less than the buffer free to borrow");
            if wanted > 0 {
                let less = total - 1;
                prop_assert!(
                    borrowed * BPS > less * u128::from(target_bps) || less < borrowed + buffer,
                    "one unit less would still do"
                );
            }
        }
    }
}
