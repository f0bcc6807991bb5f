//! The carbon module's reads: certificate bundles (by owner or device, narrowed
//! by status, source, hours and cell), claims, the 24/7 match report, credit
//! batches, credit pools with their holdings, and retirements.

use crate::math::MatchReport;
use crate::state::{self, Bundle, Claim, CreditBatch, CreditFilter, Retirement};
use crate::{keys, CarbonError};
use greenhour_devices::DeviceId;
use greenhour_framework::queries::{page_start, Page, QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, Denom};
use serde::{Deserialize, Serialize};

/// Which bundles to list (an owner's or a device's), and how to narrow them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificateFilter {
    pub owner: Option<Address>,
    pub device: Option<u64>,
    /// A status name (`active`, `claimed`, …).
    pub status: Option<String>,
    /// `solar` or `storage`.
    pub source: Option<String>,
    /// Production hours `from_hour..to_hour`.
    pub from_hour: Option<u64>,
    pub to_hour: Option<u64>,
    pub cell: Option<String>,
    /// Only bundles listed after this one (the last of the previous page).
    pub after: Option<u64>,
}

/// Index rows one certificates page reads at most, matching or not.
pub const CERTIFICATE_SCAN: usize = 4 * CERTIFICATE_PAGE;

/// Bundles of the filter's owner (in id order) or else device (in production
/// hour, then id order), narrowed, listed after `after` only, at most `limit`;
/// `None` when the filter names neither. Reads the owner's or device's index from
/// the cursor (a device's from `from_hour`, stopping at `to_hour`), at most
/// `scan` rows: a filter that keeps little ends its page early, and `next` says
/// where the following page starts, so no page reads the whole index.
pub fn certificates(
    state: &impl StateRead,
    f: &CertificateFilter,
    limit: usize,
    scan: usize,
) -> Result<Option<Page<Bundle>>, CarbonError> {
    // The index to read, and the first key to read it from.
    let (prefix, mut from) = match (f.owner, f.device) {
        (Some(owner), _) => {
            let prefix = keys::by_owner_prefix(&owner);
            let from = match f.after.map(|a| a.checked_add(1)) {
                None => prefix.clone(),
                Some(Some(next)) => key_text(keys::by_owner(&owner, next)),
                Some(None) => return Ok(Some(Page { items: Vec::new(), next: None })),
            };
            (prefix, from)
        }
        (None, Some(device)) => {
            let device = DeviceId(device);
            let prefix = keys::by_device_prefix(device);
            let mut from = f.from_hour.map_or(prefix.clone(), |h| keys::by_device_hour_prefix(device, h));
            if let Some(after) = f.after {
                let last = state::bundle(state, after)?;
                from = from.max(format!("{}\0", key_text(keys::by_device_hour(device, last.hour(), after))));
            }
            (prefix, from)
        }
        (None, None) => return Ok(None),
    };
    let keep = |b: &Bundle| {
        f.device.is_none_or(|d| b.device.0 == d)
            && f.status.as_deref().is_none_or(|s| b.status.name() == s)
            && f.source.as_deref().is_none_or(|s| format!("{:?}", b.source).eq_ignore_ascii_case(s))
            && f.from_hour.is_none_or(|h| b.hour() >= h)
            && f.to_hour.is_none_or(|h| b.hour() < h)
            && f.cell.as_deref().is_none_or(|c| b.cell.as_str() == c)
    };
    let by_hour = f.owner.is_none();
    let (mut items, mut read, mut last) = (Vec::new(), 0usize, None);
    while items.len() < limit && read < scan {
        let want = limit.min(scan - read);
        let rows = state.scan::<()>(&prefix, &from, want)?;
        let ended = rows.len() < want;
        for (key, ()) in rows {
            let id = keys::trailing_id(&key)?;
            let bundle = state::bundle(state, id)?;
            if by_hour && f.to_hour.is_some_and(|h| bundle.hour() >= h) {
                return Ok(Some(Page { items, next: None }));
            }
            read += 1;
            last = Some(id);
            from = format!("{key}\0");
            if keep(&bundle) {
                items.push(bundle);
                if items.len() >= limit {
                    break;
                }
            }
        }
        if ended && items.len() < limit {
            return Ok(Some(Page { items, next: None }));
        }
    }
    Ok(Some(Page { items, next: last }))
}

pub fn certificate(state: &impl StateRead, first: u64) -> Result<Bundle, CarbonError> {
    state::bundle(state, first)
}

/// A claimant's claims in receipt order, those after receipt `after` only, at
/// most `limit`: a page, and the next starts after its last receipt.
pub fn claims(
    state: &impl StateRead,
    claimant: &Address,
    after: Option<u64>,
    limit: usize,
) -> Result<Vec<Claim>, CarbonError> {
    let Some(first) = page_start(after) else { return Ok(Vec::new()) };
    let from = key_text(keys::claims_by(claimant, first));
    let rows = state.scan::<()>(&keys::claims_by_prefix(claimant), &from, limit)?;
    rows.into_iter().map(|(k, _)| state::claim(state, keys::trailing_id(&k)?)).collect()
}

/// A key's text (every carbon key is UTF-8).
fn key_text<V>(key: greenhour_state::Key<V>) -> String {
    String::from_utf8_lossy(key.as_bytes()).into_owned()
}

/// Values under `prefix` whose keys end in an id (`key_of(id)`), in id order,
/// after `after` only, that `keep` accepts, at most `limit`. Reads a page at a
/// time: the answer is bounded, and with a filter that keeps little the reads
/// run on to the end.
/// Rows one filtered page of credits or retirements reads at most, matching or not.
pub const FILTERED_SCAN: usize = 4 * MAX_LIST;

/// A page of the values under `prefix` (keyed by id) that `keep` keeps, after
/// `after`: at most `limit` of them from at most `scan` rows, with the cursor the
/// next page follows (`None` once the ids end).
fn filtered_page<V: borsh::BorshDeserialize>(
    state: &impl StateRead,
    prefix: &str,
    key_of: impl Fn(u64) -> String,
    (after, limit, scan): (Option<u64>, usize, usize),
    keep: impl Fn(&V) -> bool,
) -> Result<Page<V>, CarbonError> {
    let mut page = Page { items: Vec::new(), next: None };
    let Some(mut next) = page_start(after).filter(|_| limit > 0) else { return Ok(page) };
    let mut read = 0usize;
    while read < scan {
        let want = limit.min(scan - read);
        let rows = state.scan::<V>(prefix, &key_of(next), want)?;
        let ended = rows.len() < want;
        for (key, value) in rows {
            let id = keys::trailing_id(&key)?;
            read += 1;
            page.next = Some(id);
            if keep(&value) {
                page.items.push(value);
                if page.items.len() >= limit {
                    return Ok(page);
                }
            }
            match id.checked_add(1) {
                Some(n) => next = n,
                None => {
                    page.next = None;
                    return Ok(page);
                }
            }
        }
        if ended {
            page.next = None;
            return Ok(page);
        }
    }
    Ok(page)
}

pub fn claim(state: &impl StateRead, receipt: u64) -> Result<Claim, CarbonError> {
    state::claim(state, receipt)
}

/// An account's 24/7 matching over production hours `from..to`; `None` when the
/// window is empty or longer than `MAX_REPORT_HOURS`.
pub fn match_report(
    state: &impl StateRead,
    account: &Address,
    from: u64,
    to: u64,
) -> Result<Option<MatchReport>, CarbonError> {
    if to <= from || to - from > crate::params::MAX_REPORT_HOURS {
        return Ok(None);
    }
    let rows = state::usage_rows(state, account, from, to)?;
    Ok(Some(crate::math::match_report(from, to, &rows)))
}

/// Credit batches (of one registrant, or all) in id order after `after`, at most `limit`.
pub fn credits(
    state: &impl StateRead,
    registrant: Option<Address>,
    after: Option<u64>,
    (limit, scan): (usize, usize),
) -> Result<Page<CreditBatch>, CarbonError> {
    let key_of = |id| key_text(keys::credit(id));
    filtered_page(state, keys::CREDIT_PREFIX, key_of, (after, limit, scan), |b: &CreditBatch| {
        registrant.is_none_or(|r| b.registrant == r)
    })
}

pub fn credit(state: &impl StateRead, id: u64) -> Result<CreditBatch, CarbonError> {
    state::credit(state, id)
}

/// A credit pool with what it holds of each batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditPoolView {
    pub id: u64,
    pub denom: Denom,
    pub filter: CreditFilter,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub held_g: u128,
    pub holdings: Vec<Holding>,
}

/// Grams of one batch in a pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    pub batch: u64,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub grams: u128,
}

/// Credit pools in id order after `after`, at most `limit`, with what they hold.
pub fn credit_pools(
    state: &impl StateRead,
    after: Option<u64>,
    limit: usize,
) -> Result<Vec<CreditPoolView>, CarbonError> {
    let key_of = |id| key_text(keys::pool(id));
    // Every pool is kept, so a page reads only its own rows.
    filtered_page(state, keys::POOL_PREFIX, key_of, (after, limit, limit), |_: &crate::state::CreditPool| true)?
        .items
        .into_iter()
        .map(|p| {
            let holdings =
                state::pool_holdings(state, p.id)?.into_iter().map(|(batch, grams)| Holding { batch, grams }).collect();
            Ok(CreditPoolView { id: p.id, denom: p.denom, filter: p.filter, held_g: p.held_g, holdings })
        })
        .collect()
}

/// Retirements (of one retiree, or all) in receipt order after `after`, at most `limit`.
pub fn retirements(
    state: &impl StateRead,
    retiree: Option<Address>,
    after: Option<u64>,
    (limit, scan): (usize, usize),
) -> Result<Page<Retirement>, CarbonError> {
    let key_of = |id| key_text(keys::retirement(id));
    filtered_page(state, keys::RETIREMENT_PREFIX, key_of, (after, limit, scan), |r: &Retirement| {
        retiree.is_none_or(|a| r.retiree == a)
    })
}

impl From<CarbonError> for QueryError {
    fn from(e: CarbonError) -> Self {
        match e {
            CarbonError::UnknownBundle(id) => QueryError::NotFound(format!("certificate bundle {id}")),
            CarbonError::UnknownReceipt(id) => QueryError::NotFound(format!("receipt {id}")),
            CarbonError::UnknownCredit(id) => QueryError::NotFound(format!("credit batch {id}")),
            CarbonError::UnknownPool(id) => QueryError::NotFound(format!("credit pool {id}")),
            CarbonError::State(s) => QueryError::Internal(s.to_string()),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

/// At most this many bundles per listing (narrow by hours for more).
pub const CERTIFICATE_PAGE: usize = 5_000;

greenhour_framework::module_queries! {
    /// The carbon module's reads.
    pub enum CarbonQuery in "carbon" {
        /// Certificate bundles of `owner` in id order (or else of `device`, in production
        /// hour then id order), narrowed by status, source (`solar`, `storage`),
        /// production hours `from_hour..to_hour` and cell: a page of at most 5,000
        /// from at most 20,000 index rows read after bundle `after`, with `next`, the
        /// `after` of the following page (`null` at the end).
        Certificates = "certificates" at "/certificates" {
            owner: Option<Address>, device: Option<u64>, status: Option<String>, source: Option<String>,
            from_hour: Option<u64>, to_hour: Option<u64>, cell: Option<String>, after: Option<u64>,
        } -> Page<Bundle>
            = |state, _now| {
                let filter = CertificateFilter { owner, device, status, source, from_hour, to_hour, cell, after };
                certificates(state, &filter, CERTIFICATE_PAGE, CERTIFICATE_SCAN)?
                    .ok_or_else(|| QueryError::InvalidParams("give owner or device".into()))
            };
        /// A certificate bundle by its first certificate id.
        Certificate = "certificate" at "/certificates/{id}" { id: u64 } -> Bundle
            = |state, _now| certificate(state, id);
        /// A claimant's certificate claims in receipt order, at most 1,000, those
        /// after receipt `after` (the last of the previous page) only.
        Claims = "claims" at "/claims" { claimant: Address, after: Option<u64> } -> Vec<Claim>
            = |state, _now| claims(state, &claimant, after, MAX_LIST);
        /// A claim by its receipt.
        Claim = "claim" at "/claims/{receipt}" { receipt: u64 } -> Claim
            = |state, _now| claim(state, receipt);
        /// An account's 24/7 matching over production hours `from_hour..to_hour` (at most a leap year).
        MatchReport = "match_report" at "/match-report" { account: Address, from_hour: u64, to_hour: u64 } -> MatchReport
            = |state, _now| match_report(state, &account, from_hour, to_hour)?.ok_or_else(|| {
                QueryError::InvalidParams(format!(
                    "the window must hold 1 to {} hours",
                    crate::params::MAX_REPORT_HOURS
                ))
            });
        /// Credit batches, of one registrant or all, in id order: a page of at most
        /// 1,000 from at most 4,000 batches read after id `after`, with `next`, the
        /// `after` of the following page (`null` at the end).
        Credits = "credits" at "/credits" { registrant: Option<Address>, after: Option<u64> } -> Page<CreditBatch>
            = |state, _now| credits(state, registrant, after, (MAX_LIST, FILTERED_SCAN));
        /// A credit batch.
        Credit = "credit" at "/credits/{id}" { id: u64 } -> CreditBatch
            = |state, _now| credit(state, id);
        /// Credit pools with what they hold of each batch, in id order, at most
        /// 1,000, those after id `after` only.
        CreditPools = "credit_pools" at "/credit-pools" { after: Option<u64> } -> Vec<CreditPoolView>
            = |state, _now| credit_pools(state, after, MAX_LIST);
        /// Credit retirements, of one retiree or all, in receipt order: a page of at
        /// most 1,000 from at most 4,000 read after receipt `after`, with `next`, the
        /// `after` of the following page (`null` at the end).
        Retirements = "retirements" at "/retirements" { retiree: Option<Address>, after: Option<u64> } -> Page<Retirement>
            = |state, _now| retirements(state, retiree, after, (MAX_LIST, FILTERED_SCAN));
    }
}
