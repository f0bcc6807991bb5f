//! The crate-level invariants, checked over the whole state (tests and audits).

use crate::handler::custody;
use crate::params::GRAMS_PER_TONNE;
use crate::state::{self, BundleStatus, CreditStatus, EnergySource};
use crate::{keys, CarbonError};
use greenhour_bank::api as bank;
use greenhour_primitives::Hash;
use greenhour_state::StateRead;
use std::collections::{BTreeMap, BTreeSet};

/// See the crate documentation for the invariants checked here.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    certificates(state).map_err(|e| e.to_string()).and_then(|r| r)?;
    credits(state).map_err(|e| e.to_string()).and_then(|r| r)
}

fn certificates(state: &impl StateRead) -> Result<Result<(), String>, CarbonError> {
    let params = state::params(state)?;
    let bundles = state::all_bundles(state)?;
    let next = state::next_id(state)?;
    let by_first: BTreeMap<u64, &state::Bundle> = bundles.iter().map(|b| (b.first, b)).collect();
    let mut previous_last: Option<u64> = None;
    // Per report: (solar Wh, storage Wh).
    let mut per_report: BTreeMap<Hash, (u64, u64)> = BTreeMap::new();
    let mut expiries = BTreeSet::new();
    let mut stored = BTreeSet::new();
    for b in &bundles {
        if b.first == 0 || b.last < b.first || b.last >= next {
            return Ok(Err(format!("bundle {} has range {}..={} (next id {next})", b.first, b.first, b.last)));
        }
        if previous_last.is_some_and(|p| b.first <= p) {
            return Ok(Err(format!("bundle {} overlaps the bundle before it", b.first)));
        }
        previous_last = Some(b.last);
        let entry = per_report.entry(b.report).or_default();
        match b.source {
            EnergySource::Solar => entry.0 += b.wh(),
            EnergySource::Storage => entry.1 += b.wh(),
        }
        if state.get(&keys::by_owner(&b.owner, b.first))?.is_none() {
            return Ok(Err(format!("bundle {} is missing from its owner's index", b.first)));
        }
        if state.get(&keys::by_device_hour(b.device, b.hour(), b.first))?.is_none() {
            return Ok(Err(format!("bundle {} is missing from its device-hour index", b.first)));
        }
        if b.status.is_live() {
            expiries.insert(keys::expiry(b.expires_at(&params), b.first).as_bytes().to_vec());
        }
        if b.status == BundleStatus::Stored {
            stored.insert(keys::stored(b.device, b.first).as_bytes().to_vec());
        }
        match &b.status {
            BundleStatus::Claimed { receipt } => {
                let claim = state::claim(state, *receipt)?;
                if !claim.ranges.contains(&(b.first, b.last)) || claim.claimant != b.owner {
                    return Ok(Err(format!("claimed bundle {} is not in claim {receipt} of its owner", b.first)));
                }
            }
            BundleStatus::StorageConsumed { discharge } => {
                let d = by_first.get(discharge).ok_or(CarbonError::UnknownBundle(*discharge))?;
                if !d.consumed.contains(&(b.first, b.last)) {
                    return Ok(Err(format!("bundle {} is consumed by {discharge}, which does not list it", b.first)));
                }
            }
            _ => {}
        }
        if b.source == EnergySource::Storage && b.parent.is_none() {
            let backing: u64 = b.consumed.iter().map(|(f, l)| l - f + 1).sum();
            let eff = b.efficiency_bps.unwrap_or(0) as u128;
            if b.wh() as u128 * 10_000 > backing as u128 * eff {
                return Ok(Err(format!("storage bundle {} exceeds its backing at {eff} bps", b.first)));
            }
        }
    }
    for (hash, (solar, storage)) in &per_report {
        let Some(r) = greenhour_devices::api::report_by_hash(state, hash)? else {
            return Ok(Err(format!("bundles name unknown report {hash}")));
        };
        if *solar > r.report.generated_wh || *storage > r.report.discharged_wh {
            return Ok(Err(format!("report {hash} certified beyond what it metered")));
        }
        if greenhour_devices::api::report_use(state, hash)?.is_none() {
            return Ok(Err(format!("report {hash} backs certificates without its use mark")));
        }
    }
    let rows: BTreeSet<Vec<u8>> =
        state.prefix_raw(keys::EXPIRY_PREFIX.as_bytes())?.into_iter().map(|(k, _)| k).collect();
    if rows != expiries {
        return Ok(Err("expiry rows differ from the live bundles".into()));
    }
    let rows: BTreeSet<Vec<u8>> = state.prefix_raw(b"carbon/stored/")?.into_iter().map(|(k, _)| k).collect();
    if rows != stored {
        return Ok(Err("storage rows differ from the stored bundles".into()));
    }
    for claim in state::all_claims(state)? {
        let wh: u64 = claim.ranges.iter().map(|(f, l)| l - f + 1).sum();
        if wh != claim.wh {
            return Ok(Err(format!("claim {} lists {wh} Wh, records {}", claim.receipt, claim.wh)));
        }
        for (first, last) in &claim.ranges {
            let b = by_first.get(first).ok_or(CarbonError::UnknownBundle(*first))?;
            if b.last != *last || b.status != (BundleStatus::Claimed { receipt: claim.receipt }) {
                return Ok(Err(format!("claim {} range {first}..={last} is not a bundle it claimed", claim.receipt)));
            }
        }
    }
    Ok(Ok(()))
}

fn credits(state: &impl StateRead) -> Result<Result<(), String>, CarbonError> {
    let batches = state::all_credits(state)?;
    let serials = state.prefix::<u64>(keys::SERIAL_PREFIX)?;
    if serials.len() != batches.len() {
        return Ok(Err(format!("{} serials for {} batches", serials.len(), batches.len())));
    }
    for b in &batches {
        if state::credit_by_serial(state, &b.registry, &b.serial)? != Some(b.id) {
            return Ok(Err(format!("batch {}'s serial does not map to it", b.id)));
        }
        let supply = bank::supply(state, &b.denom())?;
        let expected = match b.status {
            CreditStatus::Approved => (b.tonnes as u128 * GRAMS_PER_TONNE).checked_sub(b.retired_g),
            _ => Some(0),
        };
        if expected != Some(supply) {
            return Ok(Err(format!("batch {} has supply {supply}, retired {}", b.id, b.retired_g)));
        }
    }
    let mut pooled: BTreeMap<u64, u128> = BTreeMap::new();
    for pool in state::all_pools(state)? {
        let holdings = state::pool_holdings(state, pool.id)?;
        let sum: u128 = holdings.iter().map(|h| h.1).sum();
        let supply = bank::supply(state, &pool.denom)?;
        if sum != pool.held_g || supply != pool.held_g {
            return Ok(Err(format!("pool {}: coin supply {supply}, held {}, holdings {sum}", pool.id, pool.held_g)));
        }
        for (batch, g) in holdings {
            *pooled.entry(batch).or_default() += g;
        }
    }
    for b in &batches {
        let custody = bank::balance(state, &custody(), &b.denom())?;
        if custody != pooled.get(&b.id).copied().unwrap_or(0) {
            return Ok(Err(format!("module holds {custody} g of batch {}, pools record otherwise", b.id)));
        }
    }
    Ok(Ok(()))
}
