//! Check and execute for carbon actions, issuance from telemetry (also used by
//! jobs settlement), claims, and the expiry sweep. Every handler: checks →
//! compute → write → post-condition → event.

use crate::action::{ClaimTerms, RetireAsset};
use crate::params::{
    CarbonParams, GRAMS_PER_TONNE, HOUR, MAX_CLAIM_PERIOD, MAX_CREDIT_ATTRIBUTES, MAX_SERIAL, MAX_TEXT,
};
use crate::state::{
    self, chain_hash, Bundle, BundleStatus, Claim, CreditBatch, CreditFilter, CreditPool, CreditStatus, EnergySource,
    Retirement,
};
use crate::{event, keys, math, CarbonAction, CarbonError, NAME, RECEIPT_CLASS};
use greenhour_bank::api as bank;
use greenhour_devices::{api as devices, DeviceId, DeviceStatus};
use greenhour_framework::{Action, BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Hash, UnixSeconds};
use std::sync::OnceLock;

/// The carbon module account: holds pooled credits while they back a coin.
pub fn custody() -> Address {
    static CUSTODY: OnceLock<Address> = OnceLock::new();
    *CUSTODY.get_or_init(|| Address::for_module(NAME))
}

fn invalid(why: impl Into<String>) -> CarbonError {
    CarbonError::InvalidInput(why.into())
}

fn check_text(field: &str, text: &str) -> Result<(), CarbonError> {
    if text.trim().is_empty() || text.len() > MAX_TEXT || text.chars().any(char::is_control) {
        return Err(invalid(format!("{field} must be 1 to {MAX_TEXT} bytes of printable text")));
    }
    Ok(())
}

fn is_slug(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn check_terms(t: &ClaimTerms) -> Result<(), CarbonError> {
    check_text("beneficiary", &t.beneficiary)?;
    check_text("purpose", &t.purpose)?;
    check_text("location", &t.location)?;
    if t.period_end <= t.period_start || t.period_end - t.period_start > MAX_CLAIM_PERIOD {
        return Err(invalid("the consumption period must be non-empty and at most a year"));
    }
    Ok(())
}

fn check_filter(f: &CreditFilter) -> Result<(), CarbonError> {
    if f.min_vintage > f.max_vintage {
        return Err(invalid("the filter's vintages are reversed"));
    }
    if f.kinds.len() > 8 || f.kinds.iter().any(|k| !is_slug(k, 32)) {
        return Err(invalid("a filter names at most 8 credit types, each a slug of [a-z0-9-]"));
    }
    Ok(())
}

impl Action for CarbonAction {
    type Error = CarbonError;

    fn check(&self) -> Result<(), CarbonError> {
        match self {
            CarbonAction::Issue { reports } if reports.is_empty() => Err(invalid("issue at least one report")),
            CarbonAction::Issue { reports } => {
                let mut sorted = reports.clone();
                sorted.sort();
                sorted.dedup();
                if sorted.len() != reports.len() {
                    return Err(invalid("a report is listed twice"));
                }
                Ok(())
            }
            CarbonAction::Split { wh: 0, bundle } => {
                Err(CarbonError::OutsideRange { bundle: *bundle, wh: 0, asked: 0 })
            }
            CarbonAction::Transfer { wh: Some(0), bundle, .. } => {
                Err(CarbonError::OutsideRange { bundle: *bundle, wh: 0, asked: 0 })
            }
            CarbonAction::Claim { bundles, wh, terms } => {
                if bundles.is_empty() {
                    return Err(invalid("claim at least one bundle"));
                }
                if wh.is_some() && bundles.len() != 1 {
                    return Err(invalid("a partial claim names exactly one bundle"));
                }
                let mut sorted = bundles.clone();
                sorted.sort_unstable();
                sorted.dedup();
                if sorted.len() != bundles.len() {
                    return Err(invalid("a bundle is listed twice"));
                }
                check_terms(terms)
            }
            CarbonAction::Revoke { reason, .. } | CarbonAction::RejectCredit { reason, .. } => {
                check_text("reason", reason)
            }
            CarbonAction::Declare { hours } => {
                if hours.is_empty() {
                    return Err(invalid("declare at least one hour"));
                }
                if hours.windows(2).any(|w| w[0].0 >= w[1].0) {
                    return Err(invalid("declared hours must be strictly increasing"));
                }
                // A GWh in one hour is far beyond any account this chain serves.
                if hours.iter().any(|(_, wh)| *wh > 1_000_000_000) {
                    return Err(invalid("more than 1 GWh declared in one hour"));
                }
                Ok(())
            }
            CarbonAction::RegisterCredit { registry, serial, project, vintage, kind, tonnes, attributes } => {
                if !is_slug(registry, 32) {
                    return Err(invalid("registry must be a slug of [a-z0-9-], at most 32 bytes"));
                }
                if serial.is_empty()
                    || serial.len() > MAX_SERIAL
                    || !serial.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':'))
                {
                    return Err(invalid(format!("serial must be 1 to {MAX_SERIAL} bytes of [A-Za-z0-9-._:]")));
                }
                check_text("project", project)?;
                if !is_slug(kind, 32) {
                    return Err(invalid("credit type must be a slug of [a-z0-9-]"));
                }
                if !(1990..=2100).contains(vintage) {
                    return Err(invalid("vintage must be a year from 1990 to 2100"));
                }
                if *tonnes == 0 || *tonnes > 1_000_000_000 {
                    return Err(invalid("tonnes must be 1 to 10⁹"));
                }
                if attributes.len() > MAX_CREDIT_ATTRIBUTES
                    || attributes
                        .iter()
                        .any(|(k, v)| !is_slug(k, 32) || v.len() > 64 || v.chars().any(char::is_control))
                {
                    return Err(invalid("at most 16 attributes, keys [a-z0-9-], values ≤ 64 bytes"));
                }
                Ok(())
            }
            CarbonAction::CreatePool { filter } => check_filter(filter),
            CarbonAction::Deposit { grams: 0, .. }
            | CarbonAction::Redeem { grams: 0, .. }
            | CarbonAction::Retire { grams: 0, .. } => Err(invalid("an amount of zero grams")),
            CarbonAction::Retire { beneficiary, message, .. } => {
                check_text("beneficiary", beneficiary)?;
                check_text("message", message)
            }
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), CarbonError> {
        let now = tx.block.time;
        let me = &tx.signer;
        match self {
            CarbonAction::Issue { reports } => issue(state, reports, now),
            CarbonAction::Split { bundle, wh } => split(state, me, *bundle, *wh).map(|_| ()),
            CarbonAction::Transfer { bundle, to, wh } => transfer(state, me, *bundle, to, *wh),
            CarbonAction::Lock { bundle } => set_lock(state, me, *bundle, true),
            CarbonAction::Unlock { bundle } => set_lock(state, me, *bundle, false),
            CarbonAction::Cancel { bundle } => cancel(state, me, *bundle),
            CarbonAction::Claim { bundles, wh, terms } => claim(state, me, bundles, *wh, terms, now).map(|_| ()),
            CarbonAction::Revoke { bundle, reason } => revoke(state, me, *bundle, reason),
            CarbonAction::Declare { hours } => declare(state, me, hours, now),
            CarbonAction::RegisterCredit { registry, serial, project, vintage, kind, tonnes, attributes } => {
                register_credit(state, me, registry, serial, project, *vintage, kind, *tonnes, attributes)
            }
            CarbonAction::ApproveCredit { batch } => approve_credit(state, me, *batch),
            CarbonAction::RejectCredit { batch, reason } => reject_credit(state, me, *batch, reason),
            CarbonAction::CreatePool { filter } => create_pool(state, me, filter).map(|_| ()),
            CarbonAction::Deposit { pool, batch, grams } => deposit(state, me, *pool, *batch, *grams),
            CarbonAction::Redeem { pool, batch, grams } => redeem(state, me, *pool, *batch, *grams),
            CarbonAction::Retire { asset, grams, beneficiary, message } => {
                retire(state, me, asset, *grams, beneficiary, message, now)
            }
        }
    }
}

// ---- issuance ----

fn issue(state: &mut impl StateWrite, reports: &[Hash], now: UnixSeconds) -> Result<(), CarbonError> {
    let params = state::params(state)?;
    if reports.len() > params.max_reports_per_issue as usize {
        return Err(invalid(format!("at most {} reports per issue", params.max_reports_per_issue)));
    }
    for hash in reports {
        issue_report(state, &params, hash, now)?;
    }
    Ok(())
}

/// Certifies one accepted report for its device's owner; returns the first ids
/// of the bundles created.
///
/// 1. The report's solar generation `G` (≤ nameplate × hours × 1.1) is issued as
///    a contiguous id range from the chain's next id; the part that charged the
///    battery, `min(charged, G)`, is split off and locked as `stored`.
/// 2. Its discharge is certified as a storage bundle backed by the device's
///    stored bundles produced before the discharge began (oldest first), at the
///    round-trip efficiency; the charging ids consumed are recorded on it.
///
/// Post-condition: the report backs certificates once (devices' report-use
/// mark); certified solar Wh = G, storage Wh ≤ discharged.
pub fn issue_report(
    state: &mut impl StateWrite,
    params: &CarbonParams,
    hash: &Hash,
    now: UnixSeconds,
) -> Result<Vec<u64>, CarbonError> {
    let stored_report = devices::report_by_hash(state, hash)?.ok_or(CarbonError::UnknownReport(*hash))?;
    let device = devices::device(state, stored_report.report.device)?;
    if device.status != DeviceStatus::Active {
        return Err(CarbonError::DeviceNotActive {
            device: device.id.0,
            status: format!("{:?}", device.status).to_lowercase(),
        });
    }
    let r = &stored_report.report;
    let secs = r.end - r.start;
    if !greenhour_devices::api::within_rating(r.generated_wh, device.nameplate.pv_w, secs, 1_100) {
        let bound_wh = (device.nameplate.pv_w as u128 * secs as u128 * 11 / 36_000) as u64;
        return Err(CarbonError::AboveNameplate { hash: *hash, generated_wh: r.generated_wh, bound_wh });
    }
    let mut next = state::next_id(state)?;
    // Ids are never reused: refuse rather than wrap (18 EWh of certificates).
    if next.checked_add(r.generated_wh.saturating_add(r.discharged_wh)).is_none() {
        return Err(CarbonError::Overflow);
    }
    let base = Bundle {
        first: 0,
        last: 0,
        owner: device.owner,
        device: device.id,
        cell: device.cell.clone(),
        source: EnergySource::Solar,
        start: r.start,
        end: r.end,
        issued_at: now,
        report: *hash,
        status: BundleStatus::Active,
        efficiency_bps: None,
        consumed: Vec::new(),
        hash: Hash::ZERO,
        parent: None,
    };
    let mut created = Vec::new();
    let mint = |wh: u64, source: EnergySource, status: BundleStatus, next: &mut u64| {
        let mut b = base.clone();
        b.first = *next;
        b.last = *next + wh - 1;
        b.source = source;
        b.status = status;
        b.hash = chain_hash(hash, b.first, b.last, source);
        *next += wh;
        b
    };
    let charged_from_pv = r.charged_wh.min(r.generated_wh);
    let direct = r.generated_wh - charged_from_pv;
    let mut bundles = Vec::new();
    if direct > 0 {
        bundles.push(mint(direct, EnergySource::Solar, BundleStatus::Active, &mut next));
    }
    if charged_from_pv > 0 {
        bundles.push(mint(charged_from_pv, EnergySource::Solar, BundleStatus::Stored, &mut next));
    }
    // Stored energy charged before this discharge began, oldest first (bounded page).
    let mut backing = Vec::new();
    if r.discharged_wh > 0 {
        for (key, ()) in state.scan::<()>(&keys::stored_prefix(device.id), "", 64)? {
            let b = state::bundle(state, keys::trailing_id(&key)?)?;
            if b.end <= r.start {
                backing.push(b);
            }
        }
    }
    let available: u64 = backing.iter().map(Bundle::wh).sum();
    let (discharge_wh, mut to_consume) =
        math::discharge_backing(r.discharged_wh, available, params.storage_efficiency_bps);
    if bundles.is_empty() && discharge_wh == 0 {
        return Err(CarbonError::NothingToCertify(*hash));
    }
    devices::mark_report_used(
        state,
        hash,
        &format!("carbon certificate {}", bundles.first().map_or(next, |b| b.first)),
    )?;
    if discharge_wh > 0 {
        let discharge_first = next;
        let mut discharge = mint(discharge_wh, EnergySource::Storage, BundleStatus::Active, &mut next);
        discharge.efficiency_bps = Some(params.storage_efficiency_bps);
        for mut b in backing {
            if to_consume == 0 {
                break;
            }
            if b.wh() > to_consume {
                // The rest stays stored under a new id range start.
                split_at(state, &mut b, to_consume, params);
            }
            to_consume -= b.wh();
            discharge.consumed.push((b.first, b.last));
            set_final_status(state, &mut b, BundleStatus::StorageConsumed { discharge: discharge_first }, params);
        }
        bundles.push(discharge);
    }
    for b in &bundles {
        state::insert_bundle(state, b, params);
        created.push(b.first);
    }
    state.emit(event::issued(&bundles, &device.owner, device.id, hash));
    state.put(&keys::next_id(), &next);
    Ok(created)
}

// ---- bundle operations ----

fn owned_active(
    state: &impl StateRead,
    owner: &Address,
    first: u64,
    action: &'static str,
) -> Result<Bundle, CarbonError> {
    let b = state::bundle(state, first)?;
    if b.owner != *owner {
        return Err(CarbonError::NotOwner { bundle: first, signer: *owner });
    }
    if b.status != BundleStatus::Active {
        return Err(CarbonError::WrongStatus { bundle: first, status: b.status.name(), action });
    }
    Ok(b)
}

/// Cuts `b` after its first `wh` Wh: `b` keeps `first..first+wh-1` and the rest
/// becomes a new bundle with the same owner, status and provenance. Both hashes
/// chain to `b`'s old hash. Returns the new bundle.
fn split_at(state: &mut impl StateWrite, b: &mut Bundle, wh: u64, params: &CarbonParams) -> Bundle {
    let old = b.hash;
    let mut rest = b.clone();
    rest.first = b.first + wh;
    // A storage bundle's backing stays listed on the first part (whose id the
    // consumed bundles name); the rest points at it through `parent`.
    rest.consumed = Vec::new();
    b.last = b.first + wh - 1;
    b.hash = chain_hash(&old, b.first, b.last, b.source);
    rest.hash = chain_hash(&old, rest.first, rest.last, rest.source);
    b.parent = Some(old);
    rest.parent = Some(old);
    state::put_bundle(state, b);
    state::insert_bundle(state, &rest, params);
    state.emit(event::split(b, &rest));
    rest
}

/// Splits an owner's active bundle; returns the new bundle's first id.
fn split(state: &mut impl StateWrite, owner: &Address, first: u64, wh: u64) -> Result<u64, CarbonError> {
    let mut b = owned_active(state, owner, first, "split")?;
    if wh == 0 || wh >= b.wh() {
        return Err(CarbonError::OutsideRange { bundle: first, wh: b.wh(), asked: wh });
    }
    let params = state::params(state)?;
    Ok(split_at(state, &mut b, wh, &params).first)
}

/// The bundle itself, or its first `wh` Wh split off (the rest stays with the owner).
fn take(
    state: &mut impl StateWrite,
    owner: &Address,
    first: u64,
    wh: Option<u64>,
    action: &'static str,
) -> Result<Bundle, CarbonError> {
    let mut b = owned_active(state, owner, first, action)?;
    if let Some(wh) = wh {
        if wh == 0 || wh > b.wh() {
            return Err(CarbonError::OutsideRange { bundle: first, wh: b.wh(), asked: wh });
        }
        if wh < b.wh() {
            let params = state::params(state)?;
            split_at(state, &mut b, wh, &params);
        }
    }
    Ok(b)
}

/// Post-condition: `to` owns the bundle (or its first `wh` Wh); the ids are unchanged.
fn transfer(
    state: &mut impl StateWrite,
    owner: &Address,
    first: u64,
    to: &Address,
    wh: Option<u64>,
) -> Result<(), CarbonError> {
    if bank::is_module_address(state, to)? {
        return Err(CarbonError::ModuleRecipient(*to));
    }
    let mut b = take(state, owner, first, wh, "transfer")?;
    state::set_owner(state, &mut b, to);
    state::put_bundle(state, &b);
    state.emit(event::transferred(&b, owner));
    Ok(())
}

fn set_lock(state: &mut impl StateWrite, owner: &Address, first: u64, lock: bool) -> Result<(), CarbonError> {
    let mut b = state::bundle(state, first)?;
    if b.owner != *owner {
        return Err(CarbonError::NotOwner { bundle: first, signer: *owner });
    }
    let (from, to, action) = if lock {
        (BundleStatus::Active, BundleStatus::Locked, "lock")
    } else {
        (BundleStatus::Locked, BundleStatus::Active, "unlock")
    };
    if b.status != from {
        return Err(CarbonError::WrongStatus { bundle: first, status: b.status.name(), action });
    }
    b.status = to;
    state::put_bundle(state, &b);
    state.emit(event::lock_changed(&b, lock, action));
    Ok(())
}

/// Moves a bundle to a terminal status: it leaves the expiry queue and storage.
fn set_final_status(state: &mut impl StateWrite, b: &mut Bundle, status: BundleStatus, params: &CarbonParams) {
    if b.status.is_live() {
        state.delete(&keys::expiry(b.expires_at(params), b.first));
    }
    if b.status == BundleStatus::Stored {
        state.delete(&keys::stored(b.device, b.first));
    }
    b.status = status;
    state::put_bundle(state, b);
}

fn cancel(state: &mut impl StateWrite, owner: &Address, first: u64) -> Result<(), CarbonError> {
    let mut b = owned_active(state, owner, first, "cancel")?;
    let params = state::params(state)?;
    set_final_status(state, &mut b, BundleStatus::Cancelled, &params);
    state.emit(event::cancelled(&b, "cancelled by its owner"));
    Ok(())
}

fn require_issuer(params: &CarbonParams, who: &Address) -> Result<(), CarbonError> {
    if params.issuers.contains(who) {
        Ok(())
    } else {
        Err(CarbonError::NotIssuer(*who))
    }
}

/// Post-condition: the bundle is revoked and never moves again.
fn revoke(state: &mut impl StateWrite, issuer: &Address, first: u64, reason: &str) -> Result<(), CarbonError> {
    let params = state::params(state)?;
    require_issuer(&params, issuer)?;
    let mut b = state::bundle(state, first)?;
    if !b.status.is_live() {
        return Err(CarbonError::WrongStatus { bundle: first, status: b.status.name(), action: "revoke" });
    }
    set_final_status(state, &mut b, BundleStatus::Revoked { reason: reason.to_string() }, &params);
    state.emit(event::revoked(&b, reason));
    Ok(())
}

/// Claims the signer's bundles (with `wh`, the first `wh` Wh of one bundle).
fn claim(
    state: &mut impl StateWrite,
    owner: &Address,
    firsts: &[u64],
    wh: Option<u64>,
    terms: &ClaimTerms,
    now: UnixSeconds,
) -> Result<Claim, CarbonError> {
    let params = state::params(state)?;
    if firsts.len() > params.max_bundles_per_claim as usize {
        return Err(invalid(format!("at most {} bundles per claim", params.max_bundles_per_claim)));
    }
    let mut bundles = Vec::with_capacity(firsts.len());
    for first in firsts {
        bundles.push(take(state, owner, *first, wh, "claim")?);
    }
    retire_bundles(state, bundles, owner, terms, now, &params)
}

/// Retires `bundles` (active, checked by the caller) for `claimant`: each is
/// marked claimed under one receipt NFT minted to `claimant`, who becomes its
/// owner, and counts in `claimant`'s claimed Wh of its production hour.
/// Post-condition: the bundles never move again; the claim lists exactly them.
pub fn retire_bundles(
    state: &mut impl StateWrite,
    bundles: Vec<Bundle>,
    claimant: &Address,
    terms: &ClaimTerms,
    now: UnixSeconds,
    params: &CarbonParams,
) -> Result<Claim, CarbonError> {
    let wh: u64 = bundles.iter().map(Bundle::wh).sum();
    let ranges: Vec<(u64, u64)> = bundles.iter().map(|b| (b.first, b.last)).collect();
    let first_range = ranges.first().map_or(String::new(), |(a, b)| format!("{a}-{b}"));
    let receipt = greenhour_nft::api::mint(
        state,
        NAME,
        RECEIPT_CLASS,
        claimant,
        vec![
            ("kind".into(), "certificate_claim".into()),
            ("wh".into(), wh.to_string()),
            ("beneficiary".into(), terms.beneficiary.clone()),
            ("purpose".into(), terms.purpose.clone()),
            ("location".into(), terms.location.clone()),
            ("period".into(), format!("{}-{}", terms.period_start, terms.period_end)),
            ("bundles".into(), ranges.len().to_string()),
            ("first_range".into(), first_range),
        ],
    )?
    .serial;
    for mut b in bundles {
        let hour = b.hour();
        let b_wh = b.wh();
        if b.owner != *claimant {
            state::set_owner(state, &mut b, claimant);
        }
        set_final_status(state, &mut b, BundleStatus::Claimed { receipt }, params);
        state::add_usage(state, claimant, hour, |u| u.claimed_wh = u.claimed_wh.saturating_add(b_wh))?;
    }
    let claim = Claim {
        receipt,
        claimant: *claimant,
        beneficiary: terms.beneficiary.clone(),
        purpose: terms.purpose.clone(),
        location: terms.location.clone(),
        period_start: terms.period_start,
        period_end: terms.period_end,
        ranges,
        wh,
        claimed_at: now,
    };
    state.put(&keys::claim(receipt), &claim);
    state.put(&keys::claims_by(claimant, receipt), &());
    state.emit(event::claimed(&claim));
    Ok(claim)
}

/// Up to `wh` Wh of the device owner's active certificates of one device-hour,
/// oldest ids first, the last one split to fit: what a job that ran there may
/// claim behind the meter. Issues the hour's reports first if nobody has.
pub fn take_device_hour(
    state: &mut impl StateWrite,
    device: DeviceId,
    hour: u64,
    wh: u64,
    now: UnixSeconds,
) -> Result<Vec<Bundle>, CarbonError> {
    let params = state::params(state)?;
    let d = devices::device(state, device)?;
    if d.status == DeviceStatus::Active {
        for r in devices::reports(state, device, hour * HOUR)? {
            if r.report.start / HOUR != hour {
                break;
            }
            if devices::report_use(state, &r.hash)?.is_none() {
                match issue_report(state, &params, &r.hash, now) {
                    Ok(_) | Err(CarbonError::NothingToCertify(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    let mut taken = Vec::new();
    let mut left = wh;
    for mut b in state::bundles_of_device_hour(state, device, hour)? {
        if left == 0 {
            break;
        }
        if b.owner != d.owner || b.status != BundleStatus::Active {
            continue;
        }
        if b.wh() > left {
            split_at(state, &mut b, left, &params);
        }
        left -= b.wh();
        taken.push(b);
    }
    Ok(taken)
}

/// Records energy a job of `account` used in `hour`, for its matching report.
pub fn record_job_consumption(
    state: &mut impl StateWrite,
    account: &Address,
    hour: u64,
    wh: u64,
) -> Result<(), CarbonError> {
    if wh == 0 {
        return Ok(());
    }
    state::add_usage(state, account, hour, |u| u.job_wh = u.job_wh.saturating_add(wh))
}

fn declare(
    state: &mut impl StateWrite,
    who: &Address,
    hours: &[(u64, u64)],
    now: UnixSeconds,
) -> Result<(), CarbonError> {
    let params = state::params(state)?;
    if hours.len() > params.max_declared_hours as usize {
        return Err(invalid(format!("at most {} hours per declaration", params.max_declared_hours)));
    }
    let current = now / HOUR;
    let oldest = current.saturating_sub(params.declare_lookback_hours);
    if let Some((h, _)) = hours.iter().find(|(h, _)| *h >= current || *h < oldest) {
        return Err(invalid(format!(
            "hour {h} is not a past hour within the last {} hours",
            params.declare_lookback_hours
        )));
    }
    for (hour, wh) in hours {
        state::add_usage(state, who, *hour, |u| u.declared_wh = *wh)?;
    }
    Ok(())
}

// ---- credits ----

#[allow(clippy::too_many_arguments)]
fn register_credit(
    state: &mut impl StateWrite,
    registrant: &Address,
    registry: &str,
    serial: &str,
    project: &str,
    vintage: u16,
    kind: &str,
    tonnes: u64,
    attributes: &[(String, String)],
) -> Result<(), CarbonError> {
    // Registries print serials in either case; one spelling per serial.
    let canonical = serial.to_ascii_uppercase();
    if let Some(batch) = state::credit_by_serial(state, registry, &canonical)? {
        return Err(CarbonError::DuplicateSerial { registry: registry.into(), serial: canonical, batch });
    }
    let id = state.get(&keys::next_credit())?.unwrap_or(1);
    let batch = CreditBatch {
        id,
        registrant: *registrant,
        registry: registry.into(),
        serial: canonical.clone(),
        project: project.into(),
        vintage,
        kind: kind.into(),
        tonnes,
        attributes: attributes.to_vec(),
        status: CreditStatus::Pending,
        retired_g: 0,
    };
    state.put(&keys::credit(id), &batch);
    state.put(&keys::serial(registry, &canonical), &id);
    state.put(&keys::next_credit(), &(id + 1));
    state.emit(event::credit(&batch, event::CreditStep::Registered));
    Ok(())
}

fn pending_credit(state: &impl StateRead, id: u64, action: &'static str) -> Result<CreditBatch, CarbonError> {
    let b = state::credit(state, id)?;
    if b.status != CreditStatus::Pending {
        return Err(CarbonError::CreditWrongStatus { batch: id, status: credit_status_name(&b.status), action });
    }
    Ok(b)
}

pub fn credit_status_name(s: &CreditStatus) -> &'static str {
    match s {
        CreditStatus::Pending => "pending",
        CreditStatus::Approved => "approved",
        CreditStatus::Rejected { .. } => "rejected",
    }
}

/// Post-condition: the batch's token supply is `tonnes × 10⁶` grams, held by the registrant.
fn approve_credit(state: &mut impl StateWrite, issuer: &Address, id: u64) -> Result<(), CarbonError> {
    require_issuer(&state::params(state)?, issuer)?;
    let mut b = pending_credit(state, id, "approve")?;
    b.status = CreditStatus::Approved;
    let grams = b.tonnes as u128 * GRAMS_PER_TONNE;
    bank::mint(state, NAME, &b.registrant, &Coin::new(b.denom(), grams))?;
    state.put(&keys::credit(id), &b);
    state.emit(event::credit(&b, event::CreditStep::Approved));
    Ok(())
}

fn reject_credit(state: &mut impl StateWrite, issuer: &Address, id: u64, reason: &str) -> Result<(), CarbonError> {
    require_issuer(&state::params(state)?, issuer)?;
    let mut b = pending_credit(state, id, "reject")?;
    b.status = CreditStatus::Rejected { reason: reason.into() };
    state.put(&keys::credit(id), &b);
    state.emit(event::credit(&b, event::CreditStep::Rejected));
    Ok(())
}

/// Opens a pool; pool 1 issues `ugco2`, later ones `ugco2/{id}`.
pub fn create_pool(state: &mut impl StateWrite, issuer: &Address, filter: &CreditFilter) -> Result<u64, CarbonError> {
    require_issuer(&state::params(state)?, issuer)?;
    let pool = open_pool(state, filter)?;
    state.emit(event::pool_created(&pool));
    Ok(pool.id)
}

/// Writes the next pool (genesis and `create_pool`; no event, as genesis emits none).
pub(crate) fn open_pool(state: &mut impl StateWrite, filter: &CreditFilter) -> Result<CreditPool, CarbonError> {
    check_filter(filter)?;
    let id = state.get(&keys::next_pool())?.unwrap_or(1);
    let pool = CreditPool { id, denom: state::pool_denom(id), filter: filter.clone(), held_g: 0 };
    state.put(&keys::pool(id), &pool);
    state.put(&keys::next_pool(), &(id + 1));
    Ok(pool)
}

/// Takes `coin` from `who` and destroys it (bank burns only from a module's own account).
fn burn_from(state: &mut impl StateWrite, who: &Address, coin: &Coin) -> Result<(), CarbonError> {
    bank::transfer(state, who, &custody(), coin)?;
    bank::burn(state, NAME, coin)?;
    Ok(())
}

fn holding(state: &impl StateRead, pool: u64, batch: u64) -> Result<u128, CarbonError> {
    Ok(state.get(&keys::holding(pool, batch))?.unwrap_or(0))
}

fn set_holding(state: &mut impl StateWrite, pool: u64, batch: u64, grams: u128) {
    if grams == 0 {
        state.delete(&keys::holding(pool, batch));
    } else {
        state.put(&keys::holding(pool, batch), &grams);
    }
}

/// Post-condition: the pool's coin supply and its holdings both grow by `grams`.
fn deposit(
    state: &mut impl StateWrite,
    who: &Address,
    pool_id: u64,
    batch_id: u64,
    grams: u128,
) -> Result<(), CarbonError> {
    let mut pool = state::pool(state, pool_id)?;
    let batch = state::credit(state, batch_id)?;
    if batch.status != CreditStatus::Approved {
        return Err(CarbonError::CreditWrongStatus {
            batch: batch_id,
            status: credit_status_name(&batch.status),
            action: "deposit",
        });
    }
    if !pool.filter.accepts(&batch) {
        let why = format!(
            "vintage {} type {} outside vintages {}..={} types {:?}",
            batch.vintage, batch.kind, pool.filter.min_vintage, pool.filter.max_vintage, pool.filter.kinds
        );
        return Err(CarbonError::FilterRefused { pool: pool_id, batch: batch_id, why });
    }
    bank::transfer(state, who, &custody(), &Coin::new(batch.denom(), grams))?;
    let held = holding(state, pool_id, batch_id)?.checked_add(grams).ok_or(CarbonError::Overflow)?;
    pool.held_g = pool.held_g.checked_add(grams).ok_or(CarbonError::Overflow)?;
    bank::mint(state, NAME, who, &Coin::new(pool.denom.clone(), grams))?;
    set_holding(state, pool_id, batch_id, held);
    state.put(&keys::pool(pool_id), &pool);
    state.emit(event::pooled(pool_id, batch_id, grams, who, true));
    Ok(())
}

/// Post-condition: the pool's coin supply and its holding of `batch` both shrink by `grams`.
fn redeem(
    state: &mut impl StateWrite,
    who: &Address,
    pool_id: u64,
    batch_id: u64,
    grams: u128,
) -> Result<(), CarbonError> {
    let mut pool = state::pool(state, pool_id)?;
    let held = holding(state, pool_id, batch_id)?;
    if held < grams {
        return Err(CarbonError::PoolShort { pool: pool_id, batch: batch_id, held, asked: grams });
    }
    burn_from(state, who, &Coin::new(pool.denom.clone(), grams))?;
    bank::transfer(state, &custody(), who, &Coin::new(state::credit_denom(batch_id), grams))?;
    pool.held_g -= grams; // held ≤ pool.held_g (invariant)
    set_holding(state, pool_id, batch_id, held - grams);
    state.put(&keys::pool(pool_id), &pool);
    state.emit(event::pooled(pool_id, batch_id, grams, who, false));
    Ok(())
}

/// Burns credits (or a pool's coin and as many grams of the pool's oldest
/// holdings) and mints the retiree a receipt NFT.
/// Post-condition: supply of what was burned shrinks by `grams`; each batch's
/// `retired_g` grows by what of it was burned.
fn retire(
    state: &mut impl StateWrite,
    who: &Address,
    asset: &RetireAsset,
    grams: u128,
    beneficiary: &str,
    message: &str,
    now: UnixSeconds,
) -> Result<(), CarbonError> {
    let (credits, pool_id) = match asset {
        RetireAsset::Credit { batch } => {
            let b = state::credit(state, *batch)?;
            burn_from(state, who, &Coin::new(b.denom(), grams))?;
            (vec![(*batch, grams)], None)
        }
        RetireAsset::Coin { pool } => {
            let mut p = state::pool(state, *pool)?;
            burn_from(state, who, &Coin::new(p.denom.clone(), grams))?;
            let mut left = grams;
            let mut credits = Vec::new();
            for (batch, held) in state::pool_holdings(state, *pool)? {
                if left == 0 {
                    break;
                }
                let take = held.min(left);
                bank::burn(state, NAME, &Coin::new(state::credit_denom(batch), take))?;
                set_holding(state, *pool, batch, held - take);
                credits.push((batch, take));
                left -= take;
            }
            if left != 0 {
                return Err(CarbonError::Accounting(format!("pool {pool} coin exceeds its holdings")));
            }
            p.held_g -= grams;
            state.put(&keys::pool(*pool), &p);
            (credits, Some(*pool))
        }
    };
    for (batch, g) in &credits {
        let mut b = state::credit(state, *batch)?;
        b.retired_g = b.retired_g.checked_add(*g).ok_or(CarbonError::Overflow)?;
        state.put(&keys::credit(*batch), &b);
    }
    let batches: Vec<String> = credits.iter().map(|(b, g)| format!("{b}:{g}")).collect();
    let receipt = greenhour_nft::api::mint(
        state,
        NAME,
        RECEIPT_CLASS,
        who,
        vec![
            ("kind".into(), "credit_retirement".into()),
            ("grams".into(), grams.to_string()),
            ("beneficiary".into(), beneficiary.into()),
            ("message".into(), message.into()),
            ("batches".into(), batches.join(",").chars().take(256).collect()),
        ],
    )?
    .serial;
    let r = Retirement {
        receipt,
        retiree: *who,
        beneficiary: beneficiary.into(),
        message: message.into(),
        credits,
        pool: pool_id,
        retired_at: now,
    };
    state.put(&keys::retirement(receipt), &r);
    state.emit(event::retired(&r));
    Ok(())
}

// ---- block end ----

/// Expires live bundles whose lifetime ended, oldest first, at most
/// `expire_per_block` per block; the cost does not grow with past hours.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), CarbonError> {
    let params = state::params(state)?;
    let due = state.scan_raw(keys::EXPIRY_PREFIX.as_bytes(), b"", params.expire_per_block as usize)?;
    for (key, _) in due {
        let Some((at, first)) = keys::parse_expiry(&key) else {
            return Err(CarbonError::Accounting("an expiry key does not parse".into()));
        };
        if at > ctx.time {
            break;
        }
        let mut b = state::bundle(state, first)?;
        set_final_status(state, &mut b, BundleStatus::Expired, &params);
        // The exact row, even if the lifetime parameter changed since it was queued.
        state.delete_raw(key);
        state.emit(event::expired(first));
    }
    Ok(())
}
