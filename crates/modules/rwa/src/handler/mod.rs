//! What each rwa action does. Identities and the compliance rules every movement
//! of units passes (`ensure_may_hold`); packages and their assets; holdings with
//! lazy payouts (`settle` before every change); orders queued for the epoch.
//! The hourly income waterfall is in `income.rs`, the epoch solver in `epoch.rs`.

use crate::action::RwaAction;
use crate::event::RwaEvent;
use crate::math;
use crate::state::{self, custody, Holding, Order, Package, PackageBook, PackageId, Rules, Tranche, TrancheTerms};
use crate::{keys, RwaError};
use greenhour_devices::DeviceClass;
use greenhour_framework::{BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Denom, Hash, UnixSeconds};

mod epoch;
mod income;
mod trade;

pub use epoch::valuation;

const HOUR: u64 = 3_600;

/// The module's account: it holds every package's reserve, subscriptions waiting
/// for their epoch, and payouts holders have not claimed.
pub fn account() -> Address {
    static ACCOUNT: std::sync::OnceLock<Address> = std::sync::OnceLock::new();
    *ACCOUNT.get_or_init(|| Address::for_module(crate::NAME))
}

fn overflow<T>(v: Option<T>) -> Result<T, RwaError> {
    v.ok_or(RwaError::Overflow)
}

fn gusd(amount: u128) -> Coin {
    Coin::new(Denom::gusd(), amount)
}

pub fn execute(state: &mut impl StateWrite, tx: &TxCtx, action: &RwaAction) -> Result<(), RwaError> {
    let (now, signer) = (tx.block.time, tx.signer);
    match action {
        RwaAction::Claim { subject, jurisdiction, accredited, expires_at } => {
            claim(state, &signer, subject, jurisdiction, *accredited, *expires_at, now)
        }
        RwaAction::Revoke { subject } => revoke(state, &signer, subject),
        RwaAction::CreatePackage {
            name,
            legal_name,
            jurisdiction,
            documents,
            class,
            tranches,
            rules,
            epoch_secs,
            fee_bps,
            maturity,
        } => {
            let terms = Terms {
                name,
                legal_name,
                jurisdiction,
                documents,
                class: *class,
                tranches,
                rules,
                epoch_secs: *epoch_secs,
                fee_bps: *fee_bps,
                maturity: *maturity,
            };
            create_package(state, &signer, terms, now)
        }
        RwaAction::AddAsset { package, serial } => add_asset(state, &signer, *package, *serial, now),
        RwaAction::Provide { package, serial, hour, quantity, max_quote } => {
            let p = issued_by(state, *package, &signer)?;
            if !p.assets.contains(serial) {
                return Err(RwaError::AssetRefused { serial: *serial, why: "it is not in the package".into() });
            }
            greenhour_pools::api::provide_for(state, now, *serial, *hour, *quantity, (*max_quote, 0), &signer)?;
            Ok(())
        }
        RwaAction::Invest { package, tranche, amount } => invest(state, &signer, *package, *tranche, *amount, now),
        RwaAction::Redeem { package, tranche, units } => redeem(state, &signer, *package, *tranche, *units, now),
        RwaAction::Transfer { package, tranche, to, units } => {
            transfer(state, *package, *tranche, (&signer, to), *units, false, now)
        }
        RwaAction::ForceTransfer { package, tranche, from, to, units } => {
            issued_by(state, *package, &signer)?;
            transfer(state, *package, *tranche, (from, to), *units, true, now)
        }
        RwaAction::Freeze { package, who, frozen } => {
            issued_by(state, *package, &signer)?;
            if *frozen {
                state.put(&keys::frozen(*package, who), &());
            } else {
                state.delete(&keys::frozen(*package, who));
            }
            state.emit(RwaEvent::Frozen { package: *package, who: *who, frozen: *frozen }.into());
            Ok(())
        }
        RwaAction::ClaimPayout { package, tranche } => claim_payout(state, &signer, *package, *tranche),
        RwaAction::PlaceOffer { package, tranche, side, units, price_wad, immediate_only } => {
            trade::place(state, &signer, *package, *tranche, *side, *units, *price_wad, *immediate_only, now)
        }
        RwaAction::CancelOffer { offer } => trade::cancel(state, &signer, *offer),
    }
}

/// Once a block: the hourly income sweep, then every package whose epoch is due.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), RwaError> {
    income::sweep_if_due(state, ctx.time)?;
    epoch::close_due(state, ctx.time)
}

// ---- identities ----------------------------------------------------------------

/// ISO 3166-1 alpha-2: two upper-case ASCII letters.
pub fn check_jurisdiction(code: &str) -> Result<(), RwaError> {
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(RwaError::InvalidTerms(format!("jurisdiction {code:?} is not an ISO 3166 alpha-2 code")))
    }
}

fn claim(
    state: &mut impl StateWrite,
    issuer: &Address,
    subject: &Address,
    jurisdiction: &str,
    accredited: bool,
    expires_at: UnixSeconds,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    if !state::params(state)?.claim_issuers.contains(issuer) {
        return Err(RwaError::NotClaimIssuer(*issuer));
    }
    if expires_at <= now {
        return Err(RwaError::InvalidTerms("a claim must expire in the future".into()));
    }
    let identity = state::Identity { issuer: *issuer, jurisdiction: jurisdiction.into(), accredited, expires_at };
    state.put(&keys::identity(subject), &identity);
    state.emit(
        RwaEvent::Claimed {
            subject: *subject,
            issuer: *issuer,
            jurisdiction: jurisdiction.into(),
            accredited,
            expires_at,
        }
        .into(),
    );
    Ok(())
}

/// Most jurisdictions a package's rules list as allowed, and as blocked.
const MAX_JURISDICTIONS: usize = 64;

/// Most trusted claim issuers.
pub const MAX_CLAIM_ISSUERS: usize = 16;

/// A trusted claim issuer list governance may install: 1 to 16 distinct addresses.
pub fn check_claim_issuers(issuers: &[Address]) -> Result<(), RwaError> {
    let mut sorted = issuers.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if issuers.is_empty() || issuers.len() > MAX_CLAIM_ISSUERS || sorted.len() != issuers.len() {
        return Err(RwaError::InvalidTerms(format!("1 to {MAX_CLAIM_ISSUERS} distinct claim issuers")));
    }
    Ok(())
}

/// Replaces the trusted claim issuers (ERC-3643's trusted issuers registry; a
/// governance proposal calls it). Claims by issuers no longer trusted stop
/// verifying at once; they are kept, and verify again if their issuer returns.
pub fn set_claim_issuers(state: &mut impl StateWrite, issuers: &[Address]) -> Result<(), RwaError> {
    check_claim_issuers(issuers)?;
    let mut params = state::params(state)?;
    params.claim_issuers = issuers.to_vec();
    state.put(&keys::params(), &params);
    state.emit(RwaEvent::ClaimIssuersSet { issuers: issuers.len() as u32 }.into());
    Ok(())
}

fn revoke(state: &mut impl StateWrite, issuer: &Address, subject: &Address) -> Result<(), RwaError> {
    match state::identity(state, subject)? {
        Some(id) if id.issuer == *issuer => {
            state.delete(&keys::identity(subject));
            state.emit(RwaEvent::Revoked { subject: *subject, issuer: *issuer }.into());
            Ok(())
        }
        _ => Err(RwaError::NotClaimIssuer(*issuer)),
    }
}

/// The compliance check every movement of units into `who`'s hands passes
/// (ERC-3643's `isVerified` + `canTransfer`): not frozen; a live claim from a
/// trusted issuer; the jurisdiction allowed and not blocked; accredited if the
/// package says so; and, when `units_after` is given, the holding cap and, for a
/// new holder, the holder cap. The package's issuer holds its first-loss units as
/// the regulated SPV and is not checked for identity.
pub fn ensure_may_hold(
    state: &impl StateRead,
    p: &Package,
    tranche: u32,
    who: &Address,
    units_after: Option<u128>,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    let holders = state::tranche(state, p.id, tranche)?.holders;
    ensure_may_hold_among(state, p, tranche, who, units_after.map(|u| (u, holders)), now)
}

/// [`ensure_may_hold`] with the tranche's holder count given (an epoch counts its
/// new holders as it fills orders, before storing the tranche).
pub fn ensure_may_hold_among(
    state: &impl StateRead,
    p: &Package,
    tranche: u32,
    who: &Address,
    units_after: Option<(u128, u32)>,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    let refuse = |why: String| Err(RwaError::Compliance { who: *who, why });
    if state::is_frozen(state, p.id, who)? {
        return refuse("is frozen".into());
    }
    if *who != p.issuer {
        let trusted = state::params(state)?.claim_issuers;
        let Some(id) = state::identity(state, who)?.filter(|i| i.expires_at > now && trusted.contains(&i.issuer))
        else {
            return refuse("is not a verified identity".into());
        };
        let r = &p.rules;
        if r.blocked_jurisdictions.contains(&id.jurisdiction) {
            return refuse(format!("is from {}, a blocked jurisdiction", id.jurisdiction));
        }
        if !r.allowed_jurisdictions.is_empty() && !r.allowed_jurisdictions.contains(&id.jurisdiction) {
            return refuse(format!("is from {}, not an allowed jurisdiction", id.jurisdiction));
        }
        if r.accredited_only && !id.accredited {
            return refuse("is not an accredited investor".into());
        }
    }
    if let Some((after, holders)) = units_after {
        let r = &p.rules;
        if r.max_holding > 0 && after > r.max_holding && *who != p.issuer {
            return refuse(format!("would hold {after} units, above the cap of {}", r.max_holding));
        }
        let held = state::holding(state, p.id, tranche, who)?.units;
        if r.max_holders > 0 && held == 0 && after > 0 && holders >= r.max_holders {
            return refuse(format!("would be holder {} of at most {}", holders + 1, r.max_holders));
        }
    }
    Ok(())
}

// ---- packages -------------------------------------------------------------------

struct Terms<'a> {
    name: &'a str,
    legal_name: &'a str,
    jurisdiction: &'a str,
    documents: &'a [Hash],
    class: DeviceClass,
    tranches: &'a [TrancheTerms],
    rules: &'a Rules,
    epoch_secs: u64,
    fee_bps: u32,
    maturity: UnixSeconds,
}

fn check_terms(t: &Terms, params: &crate::params::RwaParams, now: UnixSeconds) -> Result<(), RwaError> {
    let bad = |m: String| Err(RwaError::InvalidTerms(m));
    for (what, text) in [("name", t.name), ("legal name", t.legal_name)] {
        if text.trim().is_empty() || text.len() > 128 {
            return bad(format!("the {what} must be 1–128 bytes"));
        }
    }
    check_jurisdiction(t.jurisdiction)?;
    if t.rules.allowed_jurisdictions.len() > MAX_JURISDICTIONS
        || t.rules.blocked_jurisdictions.len() > MAX_JURISDICTIONS
    {
        return bad(format!("at most {MAX_JURISDICTIONS} allowed and {MAX_JURISDICTIONS} blocked jurisdictions"));
    }
    for code in t.rules.allowed_jurisdictions.iter().chain(&t.rules.blocked_jurisdictions) {
        check_jurisdiction(code)?;
    }
    if t.documents.len() > 16 {
        return bad("at most 16 documents".into());
    }
    let n = t.tranches.len();
    if n < 2 || n > params.max_tranches as usize {
        return bad(format!("2 to {} tranches, the last the residual", params.max_tranches));
    }
    for (i, tr) in t.tranches.iter().enumerate() {
        if tr.name.trim().is_empty() || tr.name.len() > 32 {
            return bad(format!("tranche {i}'s name must be 1–32 bytes"));
        }
        if tr.coupon_bps > 10_000 || tr.min_subordination_bps >= 10_000 {
            return bad(format!("tranche {i}: coupon at most 100 %, subordination below 100 %"));
        }
        if i + 1 == n && (tr.coupon_bps > 0 || tr.min_subordination_bps > 0) {
            return bad("the residual (last) tranche has no coupon and no subordination".into());
        }
    }
    if t.epoch_secs < params.min_epoch_secs {
        return bad(format!("epochs of at least {} s", params.min_epoch_secs));
    }
    if t.fee_bps > params.max_fee_bps {
        return bad(format!("the fee may be at most {} bps", params.max_fee_bps));
    }
    if t.maturity <= now {
        return bad("the maturity must be in the future".into());
    }
    Ok(())
}

fn create_package(state: &mut impl StateWrite, issuer: &Address, t: Terms, now: UnixSeconds) -> Result<(), RwaError> {
    check_terms(&t, &state::params(state)?, now)?;
    let id = PackageId(state.get(&keys::next_package())?.unwrap_or(1));
    state.put(&keys::next_package(), &(id.0 + 1));
    let package = Package {
        id,
        issuer: *issuer,
        name: t.name.into(),
        legal_name: t.legal_name.into(),
        jurisdiction: t.jurisdiction.into(),
        documents: t.documents.to_vec(),
        class: t.class,
        tranches: t.tranches.to_vec(),
        rules: t.rules.clone(),
        epoch_secs: t.epoch_secs,
        fee_bps: t.fee_bps,
        maturity: t.maturity,
        created_at: now,
        assets: Vec::new(),
    };
    state.put(&keys::package(id), &package);
    state.put(&keys::book(id), &PackageBook { epoch: 1, epoch_started: now, ..Default::default() });
    for i in 0..t.tranches.len() as u32 {
        state.put(&keys::tranche(id, i), &Tranche { accrued_at: now, ..Default::default() });
    }
    state.emit(RwaEvent::PackageCreated { package: id, issuer: *issuer, tranches: t.tranches.len() as u32 }.into());
    Ok(())
}

fn issued_by(state: &impl StateRead, id: PackageId, who: &Address) -> Result<Package, RwaError> {
    let p = state::package(state, id)?;
    if p.issuer != *who {
        return Err(RwaError::NotIssuer(id));
    }
    Ok(p)
}

fn position_token(serial: u64) -> greenhour_nft::TokenId {
    greenhour_nft::TokenId { class: greenhour_pools::POSITION_CLASS.to_string(), serial }
}

/// The issuer's NFT enters custody at its value now (lending's valuation of a
/// position); the issuer receives residual units at the residual's price: it holds
/// the first loss of what it brought (risk retention).
fn add_asset(
    state: &mut impl StateWrite,
    issuer: &Address,
    id: PackageId,
    serial: u64,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    let mut p = issued_by(state, id, issuer)?;
    let refuse = |why: String| RwaError::AssetRefused { serial, why };
    if p.assets.len() >= state::params(state)?.max_assets as usize {
        return Err(refuse(format!("the package holds {} assets, the most it may", p.assets.len())));
    }
    let token = greenhour_nft::api::token(state, &position_token(serial)).map_err(|e| refuse(e.to_string()))?;
    if token.owner != *issuer {
        return Err(refuse(format!("it is held by {}, not the issuer", token.owner)));
    }
    let position = greenhour_pools::api::position(state, serial)?;
    if position.class != p.class {
        return Err(refuse("its device class is not the package's".into()));
    }
    let before = valuation(state, &p, now)?;
    let price = greenhour_lending::api::index_price(state, p.class, &Denom::gusd(), now)?;
    let value = greenhour_lending::api::position_worth(state, serial, price, now)?.value;
    if value == 0 {
        return Err(refuse("it has no future hours worth anything".into()));
    }
    let residual = p.residual();
    let t = state::tranche(state, id, residual)?;
    let price = overflow(math::price_wad(*before.values.last().unwrap_or(&0), t.units))?;
    let price = if price == 0 { math::WAD } else { price };
    let units = overflow(math::units_down(value, price))?;
    greenhour_nft::api::transfer(state, issuer, &position_token(serial), &custody(id))?;
    let at = p.assets.binary_search(&serial).unwrap_or_else(|i| i);
    p.assets.insert(at, serial);
    state.put(&keys::package(id), &p);
    mint(state, &p, residual, issuer, units, now)?;
    state.emit(RwaEvent::AssetAdded { package: id, serial, value, units }.into());
    Ok(())
}

// ---- holdings --------------------------------------------------------------------

/// Brings a holding's payouts up to the tranche's accumulator.
fn settle(h: &mut Holding, t: &Tranche) -> Result<(), RwaError> {
    let owed = overflow(math::owed_down(h.units, t.payout_per_unit_wad, h.payout_snapshot_wad))?;
    h.unclaimed = overflow(h.unclaimed.checked_add(owed))?;
    h.payout_snapshot_wad = t.payout_per_unit_wad;
    Ok(())
}

/// Stores a holding, keeping the tranche's holder count: a holder is an address
/// with units (one with only unclaimed payouts is kept, not counted).
fn put_holding(
    state: &mut impl StateWrite,
    id: PackageId,
    tranche: u32,
    who: &Address,
    t: &mut Tranche,
    before_units: u128,
    h: &Holding,
) {
    match (before_units > 0, h.units > 0) {
        (false, true) => t.holders += 1,
        (true, false) => t.holders -= 1,
        _ => {}
    }
    if h.units == 0 && h.unclaimed == 0 {
        state.delete(&keys::holding(id, tranche, who));
    } else {
        state.put(&keys::holding(id, tranche, who), h);
    }
}

/// Adds units to a holding (already cleared by compliance), locked for the lock-up.
fn credit(
    state: &mut impl StateWrite,
    p: &Package,
    tranche: u32,
    t: &mut Tranche,
    who: &Address,
    units: u128,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    let mut h = state::holding(state, p.id, tranche, who)?;
    let before = h.units;
    settle(&mut h, t)?;
    h.units = overflow(h.units.checked_add(units))?;
    if p.rules.lockup_secs > 0 {
        h.locked_until = h.locked_until.max(now.saturating_add(p.rules.lockup_secs));
    }
    put_holding(state, p.id, tranche, who, t, before, &h);
    Ok(())
}

/// Issues new units of a tranche to `who`.
fn mint(
    state: &mut impl StateWrite,
    p: &Package,
    tranche: u32,
    who: &Address,
    units: u128,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    let mut t = state::tranche(state, p.id, tranche)?;
    credit(state, p, tranche, &mut t, who, units, now)?;
    t.units = overflow(t.units.checked_add(units))?;
    state.put(&keys::tranche(p.id, tranche), &t);
    Ok(())
}

/// Takes units out of a holding. `checked_at`: the time its owner's move is checked
/// at (not frozen, past the lock-up); `None` for the agent's forced transfer.
fn debit(
    state: &mut impl StateWrite,
    p: &Package,
    tranche: u32,
    t: &mut Tranche,
    who: &Address,
    units: u128,
    checked_at: Option<UnixSeconds>,
) -> Result<(), RwaError> {
    if checked_at.is_some() && state::is_frozen(state, p.id, who)? {
        return Err(RwaError::Compliance { who: *who, why: "is frozen".into() });
    }
    let mut h = state::holding(state, p.id, tranche, who)?;
    // An owner's own move leaves its listed units alone (its asks hold them); the
    // agent's forced transfer closes those asks first.
    let movable = if checked_at.is_some() { h.units - h.listed.min(h.units) } else { h.units };
    if units > movable {
        return Err(RwaError::Insufficient { held: movable, asked: units });
    }
    if checked_at.is_some_and(|now| h.locked_until > now) {
        return Err(RwaError::LockedUp { until: h.locked_until });
    }
    let before = h.units;
    settle(&mut h, t)?;
    h.units -= units;
    put_holding(state, p.id, tranche, who, t, before, &h);
    Ok(())
}

fn tranche_of(p: &Package, tranche: u32) -> Result<(), RwaError> {
    if tranche as usize >= p.tranches.len() {
        return Err(RwaError::UnknownTranche { package: p.id, tranche });
    }
    Ok(())
}

fn transfer(
    state: &mut impl StateWrite,
    id: PackageId,
    tranche: u32,
    (from, to): (&Address, &Address),
    units: u128,
    forced: bool,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    let p = state::package(state, id)?;
    tranche_of(&p, tranche)?;
    let to_after = overflow(state::holding(state, id, tranche, to)?.units.checked_add(units))?;
    ensure_may_hold(state, &p, tranche, to, Some(if from == to { to_after - units } else { to_after }), now)?;
    let mut t = state::tranche(state, id, tranche)?;
    if forced {
        let h = state::holding(state, id, tranche, from)?;
        if units > h.units - h.listed.min(h.units) {
            trade::close_asks_of(state, &mut t, from, id, tranche)?;
        }
    }
    debit(state, &p, tranche, &mut t, from, units, (!forced).then_some(now))?;
    // The recipient inherits no lock-up: units already served theirs with the sender.
    let mut h = state::holding(state, id, tranche, to)?;
    let before = h.units;
    settle(&mut h, &t)?;
    h.units = overflow(h.units.checked_add(units))?;
    put_holding(state, id, tranche, to, &mut t, before, &h);
    state.put(&keys::tranche(id, tranche), &t);
    state.emit(RwaEvent::Transferred { package: id, tranche, from: *from, to: *to, units, forced }.into());
    Ok(())
}

fn claim_payout(state: &mut impl StateWrite, who: &Address, id: PackageId, tranche: u32) -> Result<(), RwaError> {
    match collect_payout(state, who, id, tranche)? {
        0 => Err(RwaError::ZeroAmount),
        _ => Ok(()),
    }
}

/// Pays `who` its coupons and principal of a tranche so far; returns the amount (0: nothing due).
pub fn collect_payout(
    state: &mut impl StateWrite,
    who: &Address,
    id: PackageId,
    tranche: u32,
) -> Result<u128, RwaError> {
    let p = state::package(state, id)?;
    tranche_of(&p, tranche)?;
    let mut t = state::tranche(state, id, tranche)?;
    let mut h = state::holding(state, id, tranche, who)?;
    let before = h.units;
    settle(&mut h, &t)?;
    let amount = std::mem::take(&mut h.unclaimed);
    if amount == 0 {
        return Ok(0);
    }
    put_holding(state, id, tranche, who, &mut t, before, &h);
    state.put(&keys::tranche(id, tranche), &t);
    greenhour_bank::api::transfer(state, &account(), who, &gusd(amount))?;
    state.emit(RwaEvent::PayoutClaimed { package: id, tranche, holder: *who, amount }.into());
    Ok(amount)
}

// ---- orders ----------------------------------------------------------------------

fn open_order(state: &impl StateRead, p: &Package, tranche: u32, who: &Address) -> Result<(Order, Tranche), RwaError> {
    tranche_of(p, tranche)?;
    let order = state::order(state, p.id, tranche, who)?;
    let t = state::tranche(state, p.id, tranche)?;
    let max = state::params(state)?.max_orders;
    if order == Order::default() && t.orders >= max {
        return Err(RwaError::TooManyOrders(max));
    }
    Ok((order, t))
}

/// Stores an order (deleted once empty), keeping the tranche's open-order count.
fn put_order(
    state: &mut impl StateWrite,
    id: PackageId,
    tranche: u32,
    who: &Address,
    t: &mut Tranche,
    was_open: bool,
    o: &Order,
) {
    let open = *o != Order::default();
    match (was_open, open) {
        (false, true) => t.orders += 1,
        (true, false) => t.orders -= 1,
        _ => {}
    }
    if open {
        state.put(&keys::order(id, tranche, who), o);
    } else {
        state.delete(&keys::order(id, tranche, who));
    }
}

/// A subscription: the investor must be allowed to hold now (identity, jurisdiction,
/// accreditation, holder cap, and the holding cap at the tranche's price now, or at
/// par while the package cannot be valued); the epoch that fills it checks again.
pub fn invest(
    state: &mut impl StateWrite,
    who: &Address,
    id: PackageId,
    tranche: u32,
    amount: u128,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    let p = state::package(state, id)?;
    let (mut order, mut t) = open_order(state, &p, tranche, who)?;
    let was_open = order != Order::default();
    let held = state::holding(state, id, tranche, who)?.units;
    // Only a holding cap needs the units this buys (the package valued now, or par).
    let price = match p.rules.max_holding {
        0 => math::WAD,
        _ => valuation(state, &p, now).map_or(math::WAD, |v| v.prices[tranche as usize]),
    };
    let expected = overflow(math::units_down(amount, price))?.max(1);
    ensure_may_hold(state, &p, tranche, who, Some(overflow(held.checked_add(expected))?), now)?;
    greenhour_bank::api::transfer(state, who, &account(), &gusd(amount))?;
    order.invest = overflow(order.invest.checked_add(amount))?;
    t.pending_invest = overflow(t.pending_invest.checked_add(amount))?;
    put_order(state, id, tranche, who, &mut t, was_open, &order);
    state.put(&keys::tranche(id, tranche), &t);
    state.emit(RwaEvent::Ordered { package: id, tranche, investor: *who, invest: amount, redeem: 0 }.into());
    Ok(())
}

/// A redemption: the units leave the holding (past their lock-up) and wait in the
/// order; they stay in the tranche's supply until the epoch executes them.
pub fn redeem(
    state: &mut impl StateWrite,
    who: &Address,
    id: PackageId,
    tranche: u32,
    units: u128,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    let p = state::package(state, id)?;
    let (mut order, mut t) = open_order(state, &p, tranche, who)?;
    let was_open = order != Order::default();
    debit(state, &p, tranche, &mut t, who, units, Some(now))?;
    order.redeem = overflow(order.redeem.checked_add(units))?;
    t.pending_redeem = overflow(t.pending_redeem.checked_add(units))?;
    put_order(state, id, tranche, who, &mut t, was_open, &order);
    state.put(&keys::tranche(id, tranche), &t);
    state.emit(RwaEvent::Ordered { package: id, tranche, investor: *who, invest: 0, redeem: units }.into());
    Ok(())
}
