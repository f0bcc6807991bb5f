//! The rwa part of the genesis file: parameters (the trusted claim issuers),
//! identities, and packages with their books, tranches, holdings, orders,
//! frozen addresses and report history (what `export` reads back from a running chain).

use crate::params::RwaParams;
use crate::state::{self, EpochRecord, Flow, Holding, Identity, Offer, Order, Package, PackageBook, Side, Tranche};
use crate::{keys, RwaError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

/// One package with everything recorded about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageRecord {
    pub package: Package,
    pub book: PackageBook,
    pub tranches: Vec<Tranche>,
    /// `(tranche, holder, holding)`.
    #[serde(default)]
    pub holdings: Vec<(u32, Address, Holding)>,
    /// `(tranche, investor, order)`.
    #[serde(default)]
    pub orders: Vec<(u32, Address, Order)>,
    #[serde(default)]
    pub frozen: Vec<Address>,
    /// The report's history: hourly cash flows and closed epochs.
    #[serde(default)]
    pub flows: Vec<Flow>,
    #[serde(default)]
    pub epochs: Vec<EpochRecord>,
    /// Offers resting in the tranches' books.
    #[serde(default)]
    pub offers: Vec<Offer>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RwaGenesis {
    #[serde(default)]
    pub params: RwaParams,
    #[serde(default)]
    pub identities: Vec<(Address, Identity)>,
    #[serde(default)]
    pub packages: Vec<PackageRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swept_hour: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offer: Option<u64>,
}

pub fn init(state: &mut impl StateWrite, g: &RwaGenesis) -> Result<(), RwaError> {
    let bad = |m: String| Err(RwaError::InvalidGenesis(m));
    if g.params != RwaParams::default() {
        state.put(&keys::params(), &g.params);
    }
    for (subject, identity) in &g.identities {
        if !g.params.claim_issuers.contains(&identity.issuer) {
            return bad(format!("the claim on {subject} is from an untrusted issuer"));
        }
        state.put(&keys::identity(subject), identity);
    }
    let mut next = 1;
    for r in &g.packages {
        let id = r.package.id;
        if state.get(&keys::package(id))?.is_some() {
            return bad(format!("package {id} listed twice"));
        }
        if r.tranches.len() != r.package.tranches.len() || r.package.tranches.len() < 2 {
            return bad(format!("package {id}: its tranches and their terms differ in number"));
        }
        state.put(&keys::package(id), &r.package);
        state.put(&keys::book(id), &r.book);
        for (i, t) in r.tranches.iter().enumerate() {
            state.put(&keys::tranche(id, i as u32), t);
        }
        for (t, holder, h) in &r.holdings {
            state.put(&keys::holding(id, *t, holder), h);
        }
        for (t, investor, o) in &r.orders {
            state.put(&keys::order(id, *t, investor), o);
        }
        for who in &r.frozen {
            state.put(&keys::frozen(id, who), &());
        }
        for f in &r.flows {
            state.put(&keys::flow(id, f.hour), f);
        }
        for e in &r.epochs {
            state.put(&keys::epoch_record(id, e.epoch), e);
        }
        for o in &r.offers {
            if o.package != id || o.tranche as usize >= r.tranches.len() || g.next_offer.is_none_or(|n| o.id >= n) {
                return bad(format!("offer {} does not belong to package {id}, or is numbered past next_offer", o.id));
            }
            state.put(&keys::offer(o.id), o);
            state.put(&keys::book_entry(id, o.tranche, o.side, o.price_wad, o.id), &());
            state.put(&keys::owner_offer(&o.owner, id, o.tranche, o.id), &());
        }
        next = next.max(id.0 + 1);
    }
    if !g.packages.is_empty() {
        state.put(&keys::next_package(), &next);
    }
    if let Some(h) = g.swept_hour {
        state.put(&keys::swept_hour(), &h);
    }
    if let Some(n) = g.next_offer {
        state.put(&keys::next_offer(), &n);
    }
    Ok(())
}

fn frozen_of(state: &impl StateRead, p: &Package) -> Result<Vec<Address>, RwaError> {
    let prefix = keys::frozen_of(p.id);
    state
        .prefix::<()>(&prefix)?
        .into_iter()
        .map(|(k, _)| Address::from_key_hex(&k[prefix.len()..]).ok_or_else(|| RwaError::Corrupt(format!("key {k}"))))
        .collect()
}

pub fn export(state: &impl StateRead) -> Result<RwaGenesis, RwaError> {
    let identities = state
        .prefix::<Identity>(keys::IDENTITY_PREFIX)?
        .into_iter()
        .map(|(k, i)| {
            Address::from_key_hex(&k[keys::IDENTITY_PREFIX.len()..])
                .map(|a| (a, i))
                .ok_or_else(|| RwaError::Corrupt(format!("key {k}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut packages = Vec::new();
    for p in state::packages(state)? {
        let mut r = PackageRecord {
            book: state::book(state, p.id)?,
            tranches: Vec::new(),
            holdings: Vec::new(),
            orders: Vec::new(),
            frozen: frozen_of(state, &p)?,
            flows: state.prefix::<Flow>(&keys::flows_of(p.id))?.into_iter().map(|(_, f)| f).collect(),
            epochs: state.prefix::<EpochRecord>(&keys::epochs_of(p.id))?.into_iter().map(|(_, e)| e).collect(),
            offers: Vec::new(),
            package: p.clone(),
        };
        for i in 0..p.tranches.len() as u32 {
            r.tranches.push(state::tranche(state, p.id, i)?);
            r.holdings.extend(state::holdings(state, p.id, i)?.into_iter().map(|(a, h)| (i, a, h)));
            r.orders.extend(state::orders(state, p.id, i)?.into_iter().map(|(a, o)| (i, a, o)));
            for side in [Side::Buy, Side::Sell] {
                r.offers.extend(state::book_side(state, p.id, i, side, usize::MAX)?);
            }
        }
        packages.push(r);
    }
    let next: Option<u64> = state.get(&keys::next_package())?;
    if next.is_some_and(|n| n != packages.last().map_or(1, |r| r.package.id.0 + 1)) {
        return Err(RwaError::Corrupt("next package id does not follow the last package".into()));
    }
    Ok(RwaGenesis {
        params: state::params(state)?,
        identities,
        packages,
        swept_hour: state.get(&keys::swept_hour())?,
        next_offer: state.get(&keys::next_offer())?,
    })
}
