//! The rwa module's invariants, over the whole state.

use crate::handler::account;
use crate::math;
use crate::state;
use greenhour_framework::StateRead;
use greenhour_primitives::Denom;

pub fn check(state: &impl StateRead) -> Result<(), String> {
    let e = |x: crate::RwaError| x.to_string();
    let mut owed: u128 = 0;
    for p in state::packages(state).map_err(e)? {
        let book = state::book(state, p.id).map_err(e)?;
        owed += book.reserve;
        // Each hour's waterfall paid out exactly what came in, and the history adds up to the books.
        let (mut income, mut fees) = (0u128, 0u128);
        for (_, f) in state.prefix::<state::Flow>(&crate::keys::flows_of(p.id)).map_err(|x| x.to_string())? {
            let paid = f.fee + f.coupons.iter().sum::<u128>() + f.principal.iter().sum::<u128>() + f.to_reserve;
            if paid != f.received {
                return Err(format!("package {} hour {}: received {} but paid out {paid}", p.id, f.hour, f.received));
            }
            income += f.received;
            fees += f.fee;
        }
        if income != book.income || fees != book.fees {
            return Err(format!(
                "package {}: flows total {income} income and {fees} fees, the book says {} and {}",
                p.id, book.income, book.fees
            ));
        }
        for i in 0..p.tranches.len() as u32 {
            let t = state::tranche(state, p.id, i).map_err(e)?;
            // The book: its count, each bid's escrow owed, each holder's listed units its asks.
            let mut listed: std::collections::BTreeMap<greenhour_primitives::Address, u128> = Default::default();
            let mut offers = 0u32;
            for side in [state::Side::Buy, state::Side::Sell] {
                for o in state::book_side(state, p.id, i, side, usize::MAX).map_err(e)? {
                    offers += 1;
                    match side {
                        state::Side::Buy => owed += o.escrow,
                        state::Side::Sell => *listed.entry(o.owner).or_default() += o.units,
                    }
                }
            }
            if offers != t.offers {
                return Err(format!("package {} tranche {i}: {offers} offers, the tranche says {}", p.id, t.offers));
            }
            let (mut held, mut holders) = (0u128, 0u32);
            for (who, h) in state::holdings(state, p.id, i).map_err(e)? {
                if h.listed != listed.remove(&who).unwrap_or(0) || h.listed > h.units {
                    return Err(format!(
                        "package {} tranche {i}: {who} lists {} of {} units, its asks say otherwise",
                        p.id, h.listed, h.units
                    ));
                }
                held += h.units;
                holders += u32::from(h.units > 0);
                owed += h.unclaimed
                    + math::owed_down(h.units, t.payout_per_unit_wad, h.payout_snapshot_wad)
                        .ok_or("payout overflow")?;
            }
            let (mut invest, mut redeem, mut open) = (0u128, 0u128, 0u32);
            for (_, o) in state::orders(state, p.id, i).map_err(e)? {
                invest += o.invest;
                redeem += o.redeem;
                open += 1;
            }
            if let Some((who, units)) = listed.into_iter().next() {
                return Err(format!("package {} tranche {i}: {who} asks {units} units it does not hold", p.id));
            }
            if open != t.orders {
                return Err(format!("package {} tranche {i}: {open} open orders, the tranche says {}", p.id, t.orders));
            }
            if held + redeem != t.units || invest != t.pending_invest || redeem != t.pending_redeem {
                return Err(format!(
                    "package {} tranche {i}: holdings {held} + redeeming {redeem} vs units {}, orders invest {invest} vs {}, redeem {redeem} vs {}",
                    p.id, t.units, t.pending_invest, t.pending_redeem
                ));
            }
            if holders != t.holders {
                return Err(format!("package {} tranche {i}: {holders} holders, the tranche says {}", p.id, t.holders));
            }
            owed += t.pending_invest;
        }
        for serial in &p.assets {
            let token = greenhour_nft::api::token(
                state,
                &greenhour_nft::TokenId { class: greenhour_pools::POSITION_CLASS.to_string(), serial: *serial },
            )
            .map_err(|x| x.to_string())?;
            if token.owner != state::custody(p.id) {
                return Err(format!("package {} asset {serial} is held by {}, not its custody", p.id, token.owner));
            }
        }
    }
    let balance = greenhour_bank::api::balance(state, &account(), &Denom::gusd()).map_err(|x| x.to_string())?;
    if balance < owed {
        return Err(format!("the module holds {balance} ugusd but owes {owed}"));
    }
    Ok(())
}
