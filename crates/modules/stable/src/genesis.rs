//! The stable part of the genesis file: parameters, vaults, branch totals, the
//! stability pool with its deposits, the redemption base rate, and the gUSD
//! that existed before any vault (what `export` reads back from a running chain).

use crate::params::StableParams;
use crate::state::{self, Branch, DenomAmount, Deposit, DirectDeposit, Pool, Redemptions, Vault};
use crate::{keys, StableError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::{Address, Denom};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StableGenesis {
    #[serde(default)]
    pub params: StableParams,
    /// gUSD not backed by any vault, ugusd. Absent: the bank's gUSD supply at
    /// genesis less the listed vaults' debt (the devnet's genesis gUSD).
    #[serde(default, with = "greenhour_primitives::amount_serde::option", skip_serializing_if = "Option::is_none")]
    pub legacy_supply: Option<u128>,
    #[serde(default)]
    pub vaults: Vec<Vault>,
    #[serde(default)]
    pub branches: Vec<(Denom, Branch)>,
    #[serde(default)]
    pub pool: Pool,
    #[serde(default)]
    pub deposits: Vec<(Address, Deposit)>,
    #[serde(default)]
    pub epoch_gains: Vec<(u64, Vec<DenomAmount>)>,
    #[serde(default)]
    pub redemptions: Redemptions,
    #[serde(default)]
    pub next_vault: Option<u64>,
    /// gUSD minted into lending markets (their supply positions are in the lending part).
    #[serde(default)]
    pub direct_deposits: Vec<DirectDeposit>,
    /// The chain hour the direct deposits were last rebalanced in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_hour: Option<u64>,
}

pub fn init(state: &mut impl StateWrite, g: &StableGenesis) -> Result<(), StableError> {
    let bad = |m: String| Err(StableError::InvalidGenesis(m));
    let p = &g.params;
    if p.min_rate_bps > p.max_rate_bps || p.max_rate_bps > 100_000 {
        return bad("the rate bounds are inconsistent".into());
    }
    for (i, c) in p.collaterals.iter().enumerate() {
        if c.mcr_bps <= 10_000 {
            return bad(format!("{}: the minimum ratio must be above 100 %", c.denom));
        }
        if c.redistribution_penalty_bps < c.mcr_bps - 10_000 {
            return bad(format!(
                "{}: a redistribution penalty below the minimum ratio's margin makes liquidations cascade",
                c.denom
            ));
        }
        if c.denom == Denom::gusd() || p.collaterals[..i].iter().any(|o| o.denom == c.denom) {
            return bad(format!("{}: listed twice or gUSD itself", c.denom));
        }
    }
    if p.liquidator_reward_bps >= 10_000 {
        return bad("the liquidator reward must be below 100 %".into());
    }
    // Default parameters are not written: a chain that never mints gUSD stores nothing.
    if g.params != StableParams::default() {
        state.put(&keys::params(), &g.params);
    }
    let mut owed = 0u128;
    let mut next = 1;
    for v in &g.vaults {
        if p.collateral(&v.denom).is_none() {
            return bad(format!("vault {} locks {}, not an approved collateral", v.id, v.denom));
        }
        if state.get(&keys::vault(v.id))?.is_some() {
            return bad(format!("vault {} listed twice", v.id));
        }
        state.put(&keys::vault(v.id), v);
        state.put(&keys::by_owner(&v.owner, v.id), &());
        if v.debt > 0 {
            state.put(&keys::by_rate(&v.denom, v.rate_bps, v.id), &());
        }
        owed = owed.checked_add(v.debt).ok_or(StableError::Overflow)?;
        next = next.max(v.id.0 + 1);
    }
    for (denom, b) in &g.branches {
        state.put(&keys::branch(denom), b);
        owed = owed.checked_add(b.unapplied_debt).ok_or(StableError::Overflow)?;
    }
    if let Some(n) = g.next_vault.or((!g.vaults.is_empty()).then_some(next)) {
        state.put(&keys::next_vault(), &n);
    }
    for d in &g.direct_deposits {
        if state.get(&keys::direct(d.market))?.is_some() {
            return bad(format!("direct deposit into market {} listed twice", d.market));
        }
        state.put(&keys::direct(d.market), d);
        owed = owed.checked_add(d.minted).ok_or(StableError::Overflow)?;
    }
    if let Some(h) = g.direct_hour {
        state.put(&keys::direct_hour(), &h);
    }
    if g.pool != Pool::default() {
        state.put(&keys::pool(), &g.pool);
    }
    for (owner, d) in &g.deposits {
        state.put(&keys::deposit(owner), d);
    }
    for (epoch, gains) in &g.epoch_gains {
        state.put(&keys::epoch_gains(*epoch), gains);
    }
    if g.redemptions != Redemptions::default() {
        state.put(&keys::redemptions(), &g.redemptions);
    }
    let legacy = match g.legacy_supply {
        Some(l) => l,
        None => {
            let supply = greenhour_bank::api::supply(state, &Denom::gusd())?;
            match supply.checked_sub(owed) {
                Some(l) => l,
                None => return bad(format!("vaults owe {owed} ugusd but only {supply} exists")),
            }
        }
    };
    if legacy > 0 {
        state.put(&keys::legacy_supply(), &legacy);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<StableGenesis, StableError> {
    let vaults = state::vaults(state)?;
    let params = state::params(state)?;
    let mut branches = Vec::new();
    for c in &params.collaterals {
        let b = state::branch(state, &c.denom)?;
        if b != Branch::default() {
            branches.push((c.denom.clone(), b));
        }
    }
    let pool = state::pool(state)?;
    let epoch_gains =
        (0..pool.epoch).map(|e| Ok((e, state::epoch_gains(state, e)?))).collect::<Result<Vec<_>, StableError>>()?;
    Ok(StableGenesis {
        params,
        legacy_supply: Some(state::legacy_supply(state)?),
        vaults,
        branches,
        deposits: state::deposits(state)?,
        epoch_gains: epoch_gains.into_iter().filter(|(_, g)| !g.is_empty()).collect(),
        pool,
        redemptions: state::redemptions(state)?,
        next_vault: state.get(&keys::next_vault())?,
        direct_deposits: state::direct_deposits(state)?,
        direct_hour: state::direct_hour(state)?,
    })
}
