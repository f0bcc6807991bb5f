//! The funds part of the genesis file: parameters, and funds with their books,
//! shareholders and queued redemptions (what `export` reads back from a running chain).

use crate::params::FundsParams;
use crate::state::{self, Fund, FundBook, Mandate, Request};
use crate::{keys, FundsError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::Address;
use greenhour_rwa::PackageId;
use serde::{Deserialize, Serialize};

/// One fund with everything recorded about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundRecord {
    pub fund: Fund,
    pub book: FundBook,
    #[serde(default)]
    pub shareholders: Vec<Shareholder>,
    /// `(number, request)`.
    #[serde(default)]
    pub requests: Vec<(u64, Request)>,
    /// A governed fund's approved `(package, tranche)` list, ascending.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mandate: Vec<(PackageId, u32)>,
}

/// One holder's shares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shareholder {
    pub holder: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundsGenesis {
    #[serde(default)]
    pub params: FundsParams,
    #[serde(default)]
    pub funds: Vec<FundRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tended_hour: Option<u64>,
}

pub fn init(state: &mut impl StateWrite, g: &FundsGenesis) -> Result<(), FundsError> {
    let bad = |m: String| Err(FundsError::InvalidGenesis(m));
    if g.params != FundsParams::default() {
        state.put(&keys::params(), &g.params);
    }
    let mut next = 1;
    for r in &g.funds {
        let id = r.fund.id;
        if state.get(&keys::fund(id))?.is_some() {
            return bad(format!("fund {id} listed twice"));
        }
        let held: u128 = r.shareholders.iter().map(|s| s.shares).sum();
        let queued: u128 = r.requests.iter().map(|(_, q)| q.shares).sum();
        if held + queued != r.book.shares
            || queued != r.book.queued_shares
            || r.requests.len() != r.book.waiting_requests as usize
        {
            return bad(format!("fund {id}: its holders and requests do not add up to its shares"));
        }
        state.put(&keys::fund(id), &r.fund);
        state.put(&keys::book(id), &r.book);
        for s in &r.shareholders {
            if s.shares == 0 {
                return bad(format!("fund {id}: {} holds no shares", s.holder));
            }
            state.put(&keys::shares(id, &s.holder), &s.shares);
        }
        for (number, q) in &r.requests {
            state.put(&keys::request(id, *number), q);
        }
        if !r.mandate.is_empty() {
            if r.fund.mandate != Mandate::Governed || !r.mandate.windows(2).all(|w| w[0] < w[1]) {
                return bad(format!("fund {id}: an approved list belongs to a governed fund, ascending"));
            }
            state.put(&keys::mandate(id), &r.mandate);
        }
        next = next.max(id.0 + 1);
    }
    if !g.funds.is_empty() {
        state.put(&keys::next_fund(), &next);
    }
    if let Some(h) = g.tended_hour {
        state.put(&keys::tended_hour(), &h);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<FundsGenesis, FundsError> {
    let mut funds = Vec::new();
    for f in state::funds(state)? {
        funds.push(FundRecord {
            book: state::book(state, f.id)?,
            shareholders: state::shareholders(state, f.id)?
                .into_iter()
                .map(|(holder, shares)| Shareholder { holder, shares })
                .collect(),
            requests: state::requests(state, f.id, usize::MAX)?,
            mandate: state::approved(state, f.id)?,
            fund: f,
        });
    }
    let next: Option<u64> = state.get(&keys::next_fund())?;
    if next.is_some_and(|n| n != funds.last().map_or(1, |r| r.fund.id.0 + 1)) {
        return Err(FundsError::Corrupt("next fund id does not follow the last fund".into()));
    }
    Ok(FundsGenesis { params: state::params(state)?, funds, tended_hour: state.get(&keys::tended_hour())? })
}
