//! Fund actions and the hourly upkeep: collecting the tranches' payouts, taking
//! fees, and paying queued redemptions from the cash.

use crate::action::FundsAction;
use crate::event::FundsEvent;
use crate::math;
use crate::state::{self, custody, Fund, FundBook, FundId, Mandate, Request};
use crate::{keys, FundsError};
use greenhour_framework::{BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Denom, UnixSeconds};
use greenhour_rwa::PackageId;

const HOUR: u64 = 3_600;

fn overflow<T>(v: Option<T>) -> Result<T, FundsError> {
    v.ok_or(FundsError::Overflow)
}

fn gusd_coin(amount: u128) -> Coin {
    Coin::new(Denom::gusd(), amount)
}

pub fn execute(state: &mut impl StateWrite, tx: &TxCtx, action: &FundsAction) -> Result<(), FundsError> {
    let (now, signer) = (tx.block.time, tx.signer);
    match action {
        FundsAction::Create { name, mandate, management_fee_bps, performance_fee_bps, verified_only } => {
            let params = state::params(state)?;
            if *management_fee_bps > params.max_management_fee_bps {
                return Err(FundsError::InvalidTerms(format!(
                    "management fee {management_fee_bps} bps is above the {} bps bound",
                    params.max_management_fee_bps
                )));
            }
            if *performance_fee_bps > params.max_performance_fee_bps {
                return Err(FundsError::InvalidTerms(format!(
                    "performance fee {performance_fee_bps} bps is above the {} bps bound",
                    params.max_performance_fee_bps
                )));
            }
            let id = FundId(state.get(&keys::next_fund())?.unwrap_or(1));
            state.put(&keys::next_fund(), &(id.0 + 1));
            let fund = Fund {
                id,
                manager: signer,
                name: name.trim().to_string(),
                mandate: *mandate,
                management_fee_bps: *management_fee_bps,
                performance_fee_bps: *performance_fee_bps,
                verified_only: *verified_only,
                created_at: now,
            };
            state.put(&keys::fund(id), &fund);
            let book = FundBook {
                high_water_wad: math::price_per_share_wad(0, 0).unwrap_or(0),
                fees_accrued_at: now,
                ..Default::default()
            };
            state.put(&keys::book(id), &book);
            state.emit(FundsEvent::Created { fund: id, manager: signer, mandate: mandate.name().into() }.into());
            Ok(())
        }
        FundsAction::Deposit { fund, assets, min_shares } => deposit(state, &signer, *fund, *assets, *min_shares, now),
        FundsAction::Redeem { fund, shares, min_assets } => {
            redeem_now(state, &signer, *fund, *shares, *min_assets, now)
        }
        FundsAction::RequestRedeem { fund, shares } => request_redeem(state, &signer, *fund, *shares, now),
        FundsAction::Transfer { fund, to, shares } => {
            let f = state::fund(state, *fund)?;
            ensure_may_hold(state, &f, to, now)?;
            debit(state, *fund, &signer, *shares)?;
            credit(state, *fund, to, *shares)?;
            state.emit(FundsEvent::Transferred { fund: *fund, from: signer, to: *to, shares: *shares }.into());
            Ok(())
        }
        FundsAction::Allocate { fund, package, tranche, invest, redeem } => {
            allocate(state, &signer, *fund, *package, *tranche, (*invest, *redeem), now)
        }
        FundsAction::BuyCarbon { fund, gusd, max_fee_bps } => {
            buy_carbon(state, &signer, *fund, *gusd, *max_fee_bps, now)
        }
        FundsAction::RedeemInKind { fund, shares } => redeem_in_kind(state, &signer, *fund, *shares, now),
    }
}

/// Once an hour: every fund collects its tranches' payouts, takes its fees and
/// pays its queued redemptions as far as its cash goes.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), FundsError> {
    let hour = ctx.time / HOUR;
    if state.get(&keys::tended_hour())?.is_some_and(|h| h >= hour) {
        return Ok(());
    }
    let funds = state::funds(state)?;
    if funds.is_empty() {
        return Ok(());
    }
    state.put(&keys::tended_hour(), &hour);
    let params = state::params(state)?;
    for f in funds {
        collect(state, &f)?;
        // A fund that cannot be valued this hour takes no fees and pays no queue:
        // both need the price, and the next hour tries again.
        match accrue_fees(state, &f, ctx.time) {
            Ok(_) => pay_queue(state, &f, ctx.time, params.max_requests_per_block as usize)?,
            // Visible in the fund's view as its `nav_error`.
            Err(FundsError::NavUnavailable(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

// ---- value -------------------------------------------------------------------

/// What the fund holds now: its idle gUSD, each tranche position at the
/// package's price (units, units waiting to redeem, gUSD waiting to invest,
/// payouts due) and, for an ESG fund, its carbon coin at the oracle price the
/// stable module redeems at. Fails with `NavUnavailable` while a package or the
/// carbon coin cannot be valued.
pub fn total_assets(state: &impl StateRead, f: &Fund, book: &FundBook, now: UnixSeconds) -> Result<u128, FundsError> {
    let mut total = idle(state, f.id)?;
    total = overflow(total.checked_add(carbon_worth(state, f, now)?))?;
    for (package, tranche) in &book.holdings {
        let worth = greenhour_rwa::api::holding_worth(state, *package, *tranche, &custody(f.id), now)?;
        total = overflow(total.checked_add(worth.value))?;
    }
    Ok(total)
}

pub fn idle(state: &impl StateRead, id: FundId) -> Result<u128, FundsError> {
    Ok(greenhour_bank::api::balance(state, &custody(id), &Denom::gusd())?)
}

/// The carbon coin an ESG fund's custody holds, ugco2.
pub fn carbon(state: &impl StateRead, id: FundId) -> Result<u128, FundsError> {
    Ok(greenhour_bank::api::balance(state, &custody(id), &state::carbon_coin())?)
}

/// An ESG fund's carbon coin at the stable module's trusted price, rounded down;
/// 0 for other mandates (carbon coin sent to them is not an asset they manage, so
/// a donation cannot make their NAV depend on the carbon feed).
pub fn carbon_worth(state: &impl StateRead, f: &Fund, now: UnixSeconds) -> Result<u128, FundsError> {
    if f.mandate != Mandate::Esg {
        return Ok(0);
    }
    let held = carbon(state, f.id)?;
    if held == 0 {
        return Ok(0);
    }
    let price = greenhour_stable::api::collateral_price_wad(state, &state::carbon_coin(), now)?;
    overflow(math::mul_div_down(held, price, math::WAD))
}

/// Takes the management fee since the last accrual and the performance fee above
/// the high-water mark, as shares minted to the manager (holders are diluted by
/// exactly the fees). Returns the fund's assets.
fn accrue_fees(state: &mut impl StateWrite, f: &Fund, now: UnixSeconds) -> Result<u128, FundsError> {
    let mut book = state::book(state, f.id)?;
    let total = total_assets(state, f, &book, now)?;
    let elapsed = now.saturating_sub(book.fees_accrued_at);
    book.fees_accrued_at = now;
    let management =
        if book.shares == 0 { 0 } else { overflow(math::management_fee(total, f.management_fee_bps, elapsed))? };
    let performance = if book.shares == 0 {
        0
    } else {
        overflow(math::performance_fee(total, book.shares, book.high_water_wad, f.performance_fee_bps))?
    };
    let fee = management + performance;
    let shares = if fee == 0 { 0 } else { overflow(math::fee_shares(fee, total, book.shares))? };
    if shares > 0 {
        book.shares = overflow(book.shares.checked_add(shares))?;
        book.fees_taken = overflow(book.fees_taken.checked_add(fee))?;
        let held = state::shares_of(state, f.id, &f.manager)?;
        state.put(&keys::shares(f.id, &f.manager), &overflow(held.checked_add(shares))?);
        state.emit(FundsEvent::FeesTaken { fund: f.id, management, performance, shares }.into());
    }
    let price = overflow(math::price_per_share_wad(total, book.shares))?;
    book.high_water_wad = book.high_water_wad.max(price);
    state.put(&keys::book(f.id), &book);
    Ok(total)
}

// ---- shares --------------------------------------------------------------------

fn ensure_may_hold(state: &impl StateRead, f: &Fund, who: &Address, now: UnixSeconds) -> Result<(), FundsError> {
    if f.verified_only && !greenhour_rwa::api::is_verified(state, who, now)? {
        return Err(FundsError::NotVerified(f.id));
    }
    Ok(())
}

fn credit(state: &mut impl StateWrite, id: FundId, who: &Address, shares: u128) -> Result<(), FundsError> {
    let held = state::shares_of(state, id, who)?;
    state.put(&keys::shares(id, who), &overflow(held.checked_add(shares))?);
    Ok(())
}

fn debit(state: &mut impl StateWrite, id: FundId, who: &Address, shares: u128) -> Result<(), FundsError> {
    let held = state::shares_of(state, id, who)?;
    if held < shares {
        return Err(FundsError::InsufficientShares { held, asked: shares });
    }
    if held == shares {
        state.delete(&keys::shares(id, who));
    } else {
        state.put(&keys::shares(id, who), &(held - shares));
    }
    Ok(())
}

fn deposit(
    state: &mut impl StateWrite,
    who: &Address,
    id: FundId,
    assets: u128,
    min_shares: u128,
    now: UnixSeconds,
) -> Result<(), FundsError> {
    let f = state::fund(state, id)?;
    ensure_may_hold(state, &f, who, now)?;
    let total = accrue_fees(state, &f, now)?;
    let mut book = state::book(state, id)?;
    let shares = overflow(math::to_shares_down(assets, total, book.shares))?;
    if shares == 0 || shares < min_shares {
        return Err(FundsError::Slippage { got: shares, limit: min_shares.max(1) });
    }
    greenhour_bank::api::transfer(state, who, &custody(id), &gusd_coin(assets))?;
    book.shares = overflow(book.shares.checked_add(shares))?;
    state.put(&keys::book(id), &book);
    credit(state, id, who, shares)?;
    state.emit(FundsEvent::Deposited { fund: id, owner: *who, assets, shares }.into());
    Ok(())
}

/// The fund's cash less what its queued redemptions are owed at `total` assets:
/// what a new redemption or the manager may take.
fn free_cash(state: &impl StateRead, id: FundId, book: &FundBook, total: u128) -> Result<u128, FundsError> {
    let owed_to_queue = if book.queued_shares == 0 {
        0
    } else {
        overflow(math::to_assets_down(book.queued_shares, total, book.shares))?
    };
    Ok(idle(state, id)?.saturating_sub(owed_to_queue))
}

/// What every redemption does first: the holder must hold the shares, and fees
/// accrue so no one leaves at a price that owes the manager. Returns the fund,
/// its assets and its book after the fees.
fn start_redemption(
    state: &mut impl StateWrite,
    who: &Address,
    id: FundId,
    shares: u128,
    now: UnixSeconds,
) -> Result<(Fund, u128, FundBook), FundsError> {
    let f = state::fund(state, id)?;
    let held = state::shares_of(state, id, who)?;
    if held < shares {
        return Err(FundsError::InsufficientShares { held, asked: shares });
    }
    let total = accrue_fees(state, &f, now)?;
    Ok((f, total, state::book(state, id)?))
}

fn redeem_now(
    state: &mut impl StateWrite,
    who: &Address,
    id: FundId,
    shares: u128,
    min_assets: u128,
    now: UnixSeconds,
) -> Result<(), FundsError> {
    let (_, total, mut book) = start_redemption(state, who, id, shares, now)?;
    let assets = overflow(math::to_assets_down(shares, total, book.shares))?;
    if assets < min_assets {
        return Err(FundsError::Slippage { got: assets, limit: min_assets });
    }
    // Queued requests are paid first: cash is theirs before a new redemption's.
    let free = free_cash(state, id, &book, total)?;
    if assets > free {
        return Err(FundsError::Illiquid { idle: free, needed: assets });
    }
    debit(state, id, who, shares)?;
    book.shares -= shares;
    state.put(&keys::book(id), &book);
    if assets > 0 {
        greenhour_bank::api::transfer(state, &custody(id), who, &gusd_coin(assets))?;
    }
    state.emit(FundsEvent::Redeemed { fund: id, owner: *who, shares, assets, queued: false }.into());
    Ok(())
}

fn request_redeem(
    state: &mut impl StateWrite,
    who: &Address,
    id: FundId,
    shares: u128,
    now: UnixSeconds,
) -> Result<(), FundsError> {
    state::fund(state, id)?;
    let mut book = state::book(state, id)?;
    let params = state::params(state)?;
    if book.waiting_requests >= params.max_requests {
        return Err(FundsError::Full(format!("{} redemption requests wait", book.waiting_requests)));
    }
    debit(state, id, who, shares)?;
    book.queued_shares = overflow(book.queued_shares.checked_add(shares))?;
    let number = book.next_request;
    book.next_request += 1;
    book.waiting_requests += 1;
    state.put(&keys::book(id), &book);
    state.put(&keys::request(id, number), &Request { owner: *who, shares, requested_at: now });
    state.emit(FundsEvent::RedeemRequested { fund: id, owner: *who, request: number, shares }.into());
    Ok(())
}

/// Pays queued requests, oldest first, at the hour's price, as far as the cash
/// goes; a request the cash covers only in part is paid that part and keeps its place.
fn pay_queue(state: &mut impl StateWrite, f: &Fund, now: UnixSeconds, limit: usize) -> Result<(), FundsError> {
    let mut book = state::book(state, f.id)?;
    if book.queued_shares == 0 {
        return Ok(());
    }
    let total = total_assets(state, f, &book, now)?;
    let mut cash = idle(state, f.id)?;
    let (mut total_left, mut supply) = (total, book.shares);
    for (number, mut request) in state::requests(state, f.id, limit)? {
        let worth = overflow(math::to_assets_down(request.shares, total_left, supply))?;
        let (shares, assets) = if worth <= cash {
            (request.shares, worth)
        } else {
            // The part the cash pays, in shares rounded down (against the redeemer).
            let part = overflow(math::mul_div_down(request.shares, cash, worth.max(1)))?;
            (part, overflow(math::to_assets_down(part, total_left, supply))?)
        };
        if shares == 0 {
            break;
        }
        greenhour_bank::api::transfer(state, &custody(f.id), &request.owner, &gusd_coin(assets))?;
        cash -= assets;
        total_left -= assets;
        supply -= shares;
        book.shares -= shares;
        book.queued_shares -= shares;
        request.shares -= shares;
        if request.shares == 0 {
            book.waiting_requests -= 1;
            state.delete(&keys::request(f.id, number));
        } else {
            state.put(&keys::request(f.id, number), &request);
        }
        state.emit(FundsEvent::Redeemed { fund: f.id, owner: request.owner, shares, assets, queued: true }.into());
        if request.shares > 0 {
            break;
        }
    }
    state.put(&keys::book(f.id), &book);
    Ok(())
}

// ---- the manager ---------------------------------------------------------------

fn allocate(
    state: &mut impl StateWrite,
    signer: &Address,
    id: FundId,
    package: PackageId,
    tranche: u32,
    (invest, redeem): (u128, u128),
    now: UnixSeconds,
) -> Result<(), FundsError> {
    let f = state::fund(state, id)?;
    if f.manager != *signer {
        return Err(FundsError::NotManager(id));
    }
    if !f.mandate.buys_tranches() {
        return Err(FundsError::Mandate {
            mandate: f.mandate.name(),
            package: package.0,
            why: "an ESG fund holds carbon coin, not tranches".into(),
        });
    }
    let p = greenhour_rwa::api::package(state, package)?;
    if invest > 0 && f.mandate == Mandate::Governed && !state::approved(state, id)?.contains(&(package, tranche)) {
        return Err(FundsError::Mandate {
            mandate: f.mandate.name(),
            package: package.0,
            why: format!("tranche {tranche} is not among those governance approved for the fund"),
        });
    }
    if invest > 0 && f.mandate == Mandate::Future && p.created_at < f.created_at {
        return Err(FundsError::Mandate {
            mandate: f.mandate.name(),
            package: package.0,
            why: format!("it was issued at {}, before the fund (at {})", p.created_at, f.created_at),
        });
    }
    let mut book = state::book(state, id)?;
    if !book.holdings.contains(&(package, tranche)) {
        let params = state::params(state)?;
        if book.holdings.len() >= params.max_holdings as usize {
            return Err(FundsError::Full(format!("it holds {} tranches", book.holdings.len())));
        }
        let at = book.holdings.binary_search(&(package, tranche)).unwrap_or_else(|i| i);
        book.holdings.insert(at, (package, tranche));
        state.put(&keys::book(id), &book);
    }
    let fund = custody(id);
    if invest > 0 {
        let cash = idle(state, id)?;
        if invest > cash {
            return Err(FundsError::Illiquid { idle: cash, needed: invest });
        }
        greenhour_rwa::api::invest(state, &fund, package, tranche, invest, now)?;
    }
    if redeem > 0 {
        greenhour_rwa::api::redeem(state, &fund, package, tranche, redeem, now)?;
    }
    state.emit(FundsEvent::Allocated { fund: id, package: package.0, tranche, invest, redeem }.into());
    Ok(())
}

/// Collects every payout due on the fund's tranches into its cash, and forgets a
/// tranche the fund no longer holds anything of.
fn collect(state: &mut impl StateWrite, f: &Fund) -> Result<(), FundsError> {
    let mut book = state::book(state, f.id)?;
    let fund = custody(f.id);
    let mut kept = Vec::with_capacity(book.holdings.len());
    for (package, tranche) in std::mem::take(&mut book.holdings) {
        let amount = greenhour_rwa::api::collect_payout(state, &fund, package, tranche)?;
        if amount > 0 {
            state.emit(FundsEvent::Collected { fund: f.id, package: package.0, tranche, amount }.into());
        }
        if greenhour_rwa::api::holds_anything(state, package, tranche, &fund)? {
            kept.push((package, tranche));
        }
    }
    book.holdings = kept;
    state.put(&keys::book(f.id), &book);
    Ok(())
}

/// Post-condition: the ESG fund's cash fell by the gUSD redeemed and its carbon
/// coin rose by what the stable module paid out for it.
fn buy_carbon(
    state: &mut impl StateWrite,
    signer: &Address,
    id: FundId,
    gusd: u128,
    max_fee_bps: u32,
    now: UnixSeconds,
) -> Result<(), FundsError> {
    let f = state::fund(state, id)?;
    if f.manager != *signer {
        return Err(FundsError::NotManager(id));
    }
    if f.mandate != Mandate::Esg {
        return Err(FundsError::Mandate {
            mandate: f.mandate.name(),
            package: 0,
            why: "only an ESG fund buys carbon coin".into(),
        });
    }
    // Fees accrue first, so the manager's share is taken at the NAV before the trade.
    let total = accrue_fees(state, &f, now)?;
    // Cash owed to queued redemptions is theirs, not the manager's to spend.
    let free = free_cash(state, id, &state::book(state, id)?, total)?;
    if gusd > free {
        return Err(FundsError::Illiquid { idle: free, needed: gusd });
    }
    let (redeemed, carbon) =
        greenhour_stable::api::redeem(state, &custody(id), &state::carbon_coin(), gusd, max_fee_bps, now)?;
    state.emit(FundsEvent::CarbonBought { fund: id, gusd: redeemed, carbon }.into());
    Ok(())
}

/// Post-condition: the holder's shares are gone and it received, of each asset
/// the fund holds (gUSD, carbon coin), at most its shares' slice, rounded down.
fn redeem_in_kind(
    state: &mut impl StateWrite,
    who: &Address,
    id: FundId,
    shares: u128,
    now: UnixSeconds,
) -> Result<(), FundsError> {
    let (f, _, mut book) = start_redemption(state, who, id, shares, now)?;
    if !book.holdings.is_empty() {
        return Err(FundsError::HoldsTranches(id));
    }
    let supply = book.shares;
    let gusd = overflow(math::in_kind_slice(idle(state, id)?, shares, supply))?;
    let carbon =
        if f.mandate == Mandate::Esg { overflow(math::in_kind_slice(carbon(state, id)?, shares, supply))? } else { 0 };
    // Shares too few to be worth a unit of anything are refused, not burned for nothing.
    if gusd == 0 && carbon == 0 {
        return Err(FundsError::Slippage { got: 0, limit: 1 });
    }
    debit(state, id, who, shares)?;
    book.shares -= shares;
    state.put(&keys::book(id), &book);
    if gusd > 0 {
        greenhour_bank::api::transfer(state, &custody(id), who, &gusd_coin(gusd))?;
    }
    if carbon > 0 {
        greenhour_bank::api::transfer(state, &custody(id), who, &Coin::new(state::carbon_coin(), carbon))?;
    }
    state.emit(FundsEvent::RedeemedInKind { fund: id, owner: *who, shares, gusd, carbon }.into());
    Ok(())
}

/// Most tranches one governed mandate may list.
pub const MAX_MANDATE_TRANCHES: usize = 64;

/// The stateless check of a mandate list, at a proposal's submission: at most
/// [`MAX_MANDATE_TRANCHES`], none twice.
pub fn check_mandate_list(tranches: &[(PackageId, u32)]) -> Result<(), FundsError> {
    if tranches.len() > MAX_MANDATE_TRANCHES {
        return Err(FundsError::InvalidTerms(format!("a mandate lists at most {MAX_MANDATE_TRANCHES} tranches")));
    }
    let mut sorted = tranches.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != tranches.len() {
        return Err(FundsError::InvalidTerms("a mandate lists a tranche twice".into()));
    }
    Ok(())
}

/// Executes a passed proposal's `set_fund_mandate`: replaces the tranches a
/// governed fund may subscribe to. Post-condition: every listed tranche exists,
/// the list is ascending, and what the fund already holds is untouched (the
/// manager may still redeem it; only new subscriptions need approval).
pub fn set_mandate(state: &mut impl StateWrite, id: FundId, tranches: &[(PackageId, u32)]) -> Result<(), FundsError> {
    check_mandate_list(tranches)?;
    let f = state::fund(state, id)?;
    if f.mandate != Mandate::Governed {
        return Err(FundsError::Mandate {
            mandate: f.mandate.name(),
            package: tranches.first().map_or(0, |(p, _)| p.0),
            why: "only a governed fund takes its mandate from governance".into(),
        });
    }
    for (package, tranche) in tranches {
        let p = greenhour_rwa::api::package(state, *package)?;
        if *tranche as usize >= p.tranches.len() {
            return Err(FundsError::InvalidTerms(format!(
                "package {package} has {} tranches, not {}",
                p.tranches.len(),
                tranche + 1
            )));
        }
    }
    let mut sorted = tranches.to_vec();
    sorted.sort_unstable();
    state.put(&keys::mandate(id), &sorted);
    state.emit(FundsEvent::MandateSet { fund: id, tranches: sorted.len() as u32 }.into());
    Ok(())
}
