//! The lending module's invariants, over the whole state.

use crate::handler::account;
use crate::keys;
use crate::state::{self, Collateral};
use greenhour_framework::StateRead;
use greenhour_primitives::Denom;
use std::collections::BTreeMap;

pub fn check(state: &impl StateRead) -> Result<(), String> {
    let e = |x: crate::LendingError| x.to_string();
    // What the module owes, per denom: supplied assets not lent out, and token collateral.
    let mut owed: BTreeMap<Denom, u128> = BTreeMap::new();
    for market in state::markets(state).map_err(e)? {
        let t = state::stored_totals(state, market.id).map_err(e)?;
        if t.borrow_assets > t.supply_assets {
            return Err(format!(
                "market {}: borrowed {} exceeds supplied {}",
                market.id, t.borrow_assets, t.supply_assets
            ));
        }
        let (mut supply_shares, mut borrow_shares, mut collateral) = (0u128, 0u128, 0u128);
        for (owner, p) in state::positions(state, market.id).map_err(e)? {
            supply_shares += p.supply_shares;
            borrow_shares += p.borrow_shares;
            collateral += p.collateral;
            if !matches!(market.collateral, Collateral::Positions { .. }) && !p.pledged.is_empty() {
                return Err(format!("market {}: {owner} pledged NFTs in a market that takes none", market.id));
            }
            match &market.collateral {
                Collateral::Slots { class } => {
                    for h in &p.slots {
                        let indexed =
                            state.get(&keys::slot_hour(h.hour, market.id, &owner)).map_err(|x| x.to_string())?;
                        if h.quantity == 0 || indexed.is_none() {
                            return Err(format!(
                                "market {}: {owner}'s slots of hour {} are zero or unindexed",
                                market.id, h.hour
                            ));
                        }
                        let denom =
                            greenhour_pools::api::slot_denom(greenhour_pools::SlotUnit::GpuHour, *class, h.hour);
                        *owed.entry(denom).or_default() += h.quantity;
                    }
                }
                _ if !p.slots.is_empty() => {
                    return Err(format!("market {}: {owner} holds slots in a market that takes none", market.id));
                }
                _ => {}
            }
            for serial in &p.pledged {
                match state::pledge(state, *serial).map_err(e)? {
                    Some(pl) if pl.market == market.id && pl.borrower == owner => {}
                    other => return Err(format!("position NFT {serial} of {owner}: pledge record {other:?}")),
                }
                let holder = greenhour_pools::api::position_holder(state, *serial).map_err(|x| x.to_string())?;
                if holder != Some(state::escrow(*serial)) {
                    return Err(format!("pledged position NFT {serial} is held by {holder:?}, not its escrow"));
                }
            }
        }
        if supply_shares != t.supply_shares || borrow_shares != t.borrow_shares {
            return Err(format!(
                "market {}: positions hold {supply_shares}/{borrow_shares} supply/borrow shares, totals say {}/{}",
                market.id, t.supply_shares, t.borrow_shares
            ));
        }
        *owed.entry(market.loan.clone()).or_default() += t.supply_assets - t.borrow_assets;
        if let Collateral::Token { denom, .. } = &market.collateral {
            *owed.entry(denom.clone()).or_default() += collateral;
        }
    }
    for (serial, pledge) in state::pledges(state).map_err(e)? {
        if !state::position(state, pledge.market, &pledge.borrower).map_err(e)?.pledged.contains(&serial) {
            return Err(format!("pledge record of NFT {serial} has no position"));
        }
    }
    for (denom, amount) in owed {
        let held = greenhour_bank::api::balance(state, &account(), &denom).map_err(|x| x.to_string())?;
        if held < amount {
            return Err(format!("the module holds {held} {denom} but owes {amount}"));
        }
    }
    Ok(())
}
