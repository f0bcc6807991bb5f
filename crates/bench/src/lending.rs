//! `greenhour bench lending-crash`: a lending market under a falling price. Ten
//! thousand borrowers hold GHR collateral at loan-to-values spread up to the
//! market's 77 % limit; the price falls by `drop` over `hours` hours (one block an
//! hour) and a liquidator bot liquidates every unhealthy position in full each
//! block, through the module's own actions on the state machine's overlays. Reports
//! liquidations per block, bad debt, what suppliers lost, and each block's
//! execution time; optionally draws the run as an SVG.

use crate::crash::{ctx, draw, gusd, price_at, Series, Stream, START};
use crate::Report;
use anyhow::{Context, Result};
use greenhour_bank::{BankGenesis, GenesisBalance, ModuleAccountGenesis};
use greenhour_framework::{Action, Module};
use greenhour_lending::genesis::{MarketRecord, PositionRecord};
use greenhour_lending::math::{self, WAD};
use greenhour_lending::{
    Collateral, Lending, LendingAction, LendingEvent, LendingGenesis, Market, MarketId, MarketTotals, Position,
};
use greenhour_oracle::{Feed, Oracle, OracleAction, OracleGenesis};
use greenhour_primitives::{Address, Coin, Denom};
use greenhour_state::{BlockOverlay, TxOverlay};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

const FEED: &str = "ghr.gusd";
const LLTV: u128 = 77 * WAD / 100;
const COLLATERAL: u128 = 1_000_000_000; // 1,000 GHR each

/// One block (one hour) of the crash.
#[derive(Serialize)]
struct Hour {
    hour: u64,
    /// GHR price in gUSD.
    price: f64,
    liquidations: u64,
    /// Cumulative, in gUSD.
    repaid: f64,
    bad_debt: f64,
    /// Debt still owed after the block, gUSD.
    debt: f64,
    /// The price report, the health scan and the liquidations, ms (not the checks).
    block_ms: f64,
}

#[derive(Serialize)]
struct Figures {
    borrowers: u32,
    hours: u64,
    drop_percent: u32,
    liquidations: u64,
    max_liquidations_per_block: u64,
    bad_debt_gusd: f64,
    bad_debt_share_of_debt: f64,
    supplier_loss_share: f64,
    max_block_ms: f64,
    svg: Option<String>,
    per_hour: Vec<Hour>,
}

pub fn crash(
    borrowers: u32,
    hours: u64,
    drop_percent: u32,
    seed: u64,
    svg: Option<&std::path::Path>,
) -> Result<Report> {
    anyhow::ensure!(hours > 0 && drop_percent <= 99, "give --hours ≥ 1 and --drop below 100");
    let reporter = Address([1; 20]);
    let liquidator = Address([2; 20]);
    let lender = Address([3; 20]);
    let account = greenhour_lending::api::account();
    let mut stream = Stream(seed.max(1));
    // Each borrower owes 30–100 % of its limit at the starting price (0.5 gUSD).
    let start_limit = math::borrow_limit_down(COLLATERAL * price_at(0, hours, drop_percent) / WAD, LLTV);
    let debts: Vec<u128> = (0..borrowers).map(|_| start_limit * (30 + (stream.next() % 71) as u128) / 100).collect();
    let total_debt: u128 = debts.iter().sum();
    let supplied = total_debt * 2;
    let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let bank = BankGenesis {
        balances: vec![
            GenesisBalance {
                address: account,
                coins: vec![Coin::ghr(COLLATERAL * borrowers as u128), Coin::new(Denom::gusd(), supplied - total_debt)],
            },
            GenesisBalance { address: liquidator, coins: vec![Coin::new(Denom::gusd(), total_debt * 2)] },
        ],
        module_accounts: vec![ModuleAccountGenesis { name: "lending".into(), permissions: vec![] }],
        perishable: vec![],
    };
    greenhour_bank::Bank::init_genesis(&mut block, &bank).context("bank genesis")?;
    let feed =
        Feed { name: FEED.into(), unit: "WAD".into(), reporters: vec![reporter], quorum: 1, max_age: 3_600, round: 0 };
    Oracle::init_genesis(&mut block, &OracleGenesis { feeds: vec![feed], values: vec![] }).context("oracle genesis")?;
    let id = MarketId(1);
    let positions = debts
        .iter()
        .enumerate()
        .map(|(i, debt)| {
            let mut a = [9u8; 20];
            a[..4].copy_from_slice(&(i as u32).to_be_bytes());
            let position =
                Position { borrow_shares: debt * math::VIRTUAL_SHARES, collateral: COLLATERAL, ..Default::default() };
            PositionRecord { market: id, owner: Address(a), position }
        })
        .chain(std::iter::once(PositionRecord {
            market: id,
            owner: lender,
            position: Position { supply_shares: supplied * math::VIRTUAL_SHARES, ..Default::default() },
        }))
        .collect();
    let market = Market {
        id,
        loan: Denom::gusd(),
        collateral: Collateral::Token { denom: Denom::ghr(), feed: FEED.into() },
        lltv_wad: LLTV,
        creator: lender,
        created_at: START,
    };
    let totals = MarketTotals {
        supply_assets: supplied,
        supply_shares: supplied * math::VIRTUAL_SHARES,
        borrow_assets: total_debt,
        borrow_shares: total_debt * math::VIRTUAL_SHARES,
        last_update: START,
        ..Default::default()
    };
    let genesis = LendingGenesis { markets: vec![MarketRecord { market, totals }], positions, ..Default::default() };
    Lending::init_genesis(&mut block, &genesis).context("lending genesis")?;

    let (mut liquidations, mut repaid, mut bad_debt) = (0u64, 0u128, 0u128);
    let mut per_hour = Vec::new();
    for hour in 0..=hours + 2 {
        let started = Instant::now();
        let tx = ctx(reporter, hour);
        let report =
            OracleAction::Submit { feed: FEED.into(), round: hour, value: price_at(hour, hours, drop_percent) as i128 };
        let mut overlay = TxOverlay::new(&mut block);
        report.execute(&mut overlay, &tx).context("price report")?;
        let _ = overlay.commit();
        let due = greenhour_lending::query::unhealthy(&block, id, tx.block.time).context("health scan")?;
        let mut in_block = 0;
        for u in due {
            let liquidate = LendingAction::Liquidate { market: id, borrower: u.owner, repay: u.debt, serial: None };
            let mut overlay = TxOverlay::new(&mut block);
            if liquidate.execute(&mut overlay, &ctx(liquidator, hour)).is_ok() {
                for e in LendingEvent::all_in(&overlay.commit()) {
                    match e {
                        LendingEvent::Liquidated { repaid: r, .. } => repaid += r,
                        LendingEvent::BadDebt { assets, .. } => bad_debt += assets,
                        _ => {}
                    }
                }
                in_block += 1;
            }
        }
        liquidations += in_block;
        // The block's own work ends here: the checks and reads below are the bench's.
        let block_ms = started.elapsed().as_secs_f64() * 1e3;
        greenhour_lending::invariants::check(&block)
            .map_err(|e| anyhow::anyhow!("invariant broken at hour {hour}: {e}"))?;
        let view = greenhour_lending::query::market(&block, id, tx.block.time).context("market view")?;
        per_hour.push(Hour {
            hour,
            price: price_at(hour, hours, drop_percent) as f64 / WAD as f64,
            liquidations: in_block,
            repaid: gusd(repaid),
            bad_debt: gusd(bad_debt),
            debt: gusd(view.totals.borrow_assets),
            block_ms,
        });
    }
    let final_view = greenhour_lending::query::market(&block, id, START + (hours + 2) * 3_600)?;
    let svg_path = match svg {
        Some(path) => {
            std::fs::write(path, chart(&per_hour, borrowers, hours, drop_percent))
                .with_context(|| format!("writing {}", path.display()))?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let figures = Figures {
        borrowers,
        hours,
        drop_percent,
        liquidations,
        max_liquidations_per_block: per_hour.iter().map(|h| h.liquidations).max().unwrap_or(0),
        bad_debt_gusd: gusd(bad_debt),
        bad_debt_share_of_debt: bad_debt as f64 / total_debt as f64,
        supplier_loss_share: 1.0 - final_view.totals.supply_assets as f64 / supplied as f64,
        max_block_ms: per_hour.iter().map(|h| h.block_ms).fold(0.0, f64::max),
        svg: svg_path,
        per_hour,
    };
    Ok(Report::new(&figures, || {
        let mut text = format!(
            "{borrowers} borrowers, GHR −{drop_percent} % over {hours} h: {} liquidations (at most {} in one block), bad debt {:.2} gUSD ({:.4} % of the debt), suppliers' assets {:+.4} % (interest less bad debt), slowest block {:.1} ms\n",
            figures.liquidations,
            figures.max_liquidations_per_block,
            figures.bad_debt_gusd,
            figures.bad_debt_share_of_debt * 100.0,
            -figures.supplier_loss_share * 100.0,
            figures.max_block_ms
        );
        for h in &figures.per_hour {
            text.push_str(&format!(
                "hour {:>3}  price {:.4}  liquidations {:>5}  repaid {:>12.2}  bad debt {:>10.2}  debt left {:>12.2}  {:.1} ms\n",
                h.hour, h.price, h.liquidations, h.repaid, h.bad_debt, h.debt, h.block_ms
            ));
        }
        if let Some(p) = &figures.svg {
            text.push_str(&format!("plot: {p}\n"));
        }
        text
    }))
}

/// The run as an SVG: price, debt outstanding and cumulative bad debt (each
/// scaled to its own maximum) over the hours, with liquidations per block as bars.
fn chart(hours: &[Hour], borrowers: u32, span: u64, drop_percent: u32) -> String {
    let series = |f: fn(&Hour) -> f64| hours.iter().map(f).collect::<Vec<f64>>();
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    let (price, debt, bad, liq) =
        (series(|r| r.price), series(|r| r.debt), series(|r| r.bad_debt), series(|r| r.liquidations as f64));
    let lines = [
        Series { legend: format!("price (max {:.3} gUSD)", max(&price)), values: price, colour: "#2a9d8f" },
        Series { legend: format!("debt outstanding (max {:.0} gUSD)", max(&debt)), values: debt, colour: "#264653" },
        Series {
            legend: format!("bad debt (total {:.2} gUSD)", hours.last().map_or(0.0, |r| r.bad_debt)),
            values: bad,
            colour: "#e63946",
        },
    ];
    let bars =
        Series { legend: format!("liquidations per block (max {:.0})", max(&liq)), values: liq, colour: "#f4a261" };
    let title = format!(
        "Lending under a GHR crash: {borrowers} borrowers, −{drop_percent} % over {span} h (greenhour bench lending-crash)"
    );
    draw(&title, &lines, &bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::crash::without_timings as outcome;

    /// A seeded crash run twice gives the same figures; a slow fall is liquidated
    /// with no bad debt, a one-block gap of the same size leaves some.
    #[test]
    fn seeded_crash_runs_agree_and_a_gap_makes_bad_debt() {
        let slow = crash(300, 12, 50, 11, None).unwrap();
        assert_eq!(outcome(&slow), outcome(&crash(300, 12, 50, 11, None).unwrap()));
        assert!(slow.json["liquidations"].as_u64().unwrap() > 0);
        assert_eq!(slow.json["bad_debt_gusd"].as_f64(), Some(0.0));
        let gap = crash(300, 1, 50, 11, None).unwrap();
        assert!(gap.json["bad_debt_gusd"].as_f64().unwrap() > 0.0, "{}", gap.text);
        assert!(gap.json["supplier_loss_share"].as_f64().unwrap() > 0.0);
    }
}
