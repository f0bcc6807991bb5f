//! `greenhour lend …`: lending markets against tokens, position NFTs and hour-slot
//! tokens (the `lending` module): create a market, supply and withdraw, post
//! collateral or pledge a position, borrow and repay, liquidate, and read markets
//! and positions.

use crate::context::{resolve, submit_actions};
use crate::output::print;
use crate::Cli;
use anyhow::{bail, Result};
use clap::Subcommand;
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_lending::query::{LendingQuery, MarketView, PositionView};
use greenhour_lending::{Collateral, LendingAction, MarketId, Size};
use greenhour_primitives::Denom;

#[derive(Subcommand)]
pub enum LendCommand {
    /// Every market: loan, collateral, LLTV, supplied, borrowed, utilisation, rates.
    Markets,
    /// One market (JSON with --json).
    Market { id: u64 },
    /// Create a market from the approved lists: --collateral ughr --feed ghr.gusd,
    /// --positions home (position NFTs of a device class), or --slots home (hour-slot
    /// tokens of a device class, any hours).
    CreateMarket {
        #[arg(long)]
        from: String,
        #[arg(long, default_value = "ugusd")]
        loan: String,
        #[arg(long)]
        collateral: Option<String>,
        #[arg(long)]
        feed: Option<String>,
        #[arg(long)]
        positions: Option<String>,
        #[arg(long)]
        slots: Option<String>,
        /// Liquidation LLTV in percent (an approved value: 50, 62.5, 77, 86).
        #[arg(long)]
        lltv: f64,
    },
    /// Lend loan assets to a market.
    Supply {
        #[arg(long)]
        from: String,
        market: u64,
        assets: u128,
    },
    /// Withdraw supplied assets (--all: every share).
    Withdraw {
        #[arg(long)]
        from: String,
        market: u64,
        assets: Option<u128>,
        #[arg(long)]
        all: bool,
    },
    /// Borrow against your collateral.
    Borrow {
        #[arg(long)]
        from: String,
        market: u64,
        assets: u128,
    },
    /// Repay debt (--all: every debt share, leaving no dust).
    Repay {
        #[arg(long)]
        from: String,
        market: u64,
        assets: Option<u128>,
        #[arg(long)]
        all: bool,
    },
    /// Add (or with --withdraw take back) token collateral, or AMOUNT slots of --hour
    /// in a slot market; or pledge (--release) a position NFT with --serial.
    Collateral {
        #[arg(long)]
        from: String,
        market: u64,
        amount: Option<u128>,
        #[arg(long)]
        hour: Option<u64>,
        #[arg(long)]
        withdraw: bool,
        #[arg(long)]
        serial: Option<u64>,
        #[arg(long)]
        release: bool,
    },
    /// Liquidate an unhealthy position: repay up to --repay for token collateral, take
    /// --serial, or take --quantity slots of --hour.
    Liquidate {
        #[arg(long)]
        from: String,
        market: u64,
        borrower: String,
        #[arg(long, default_value_t = 0)]
        repay: u128,
        #[arg(long)]
        serial: Option<u64>,
        #[arg(long)]
        hour: Option<u64>,
        #[arg(long, default_value_t = 1)]
        quantity: u128,
    },
    /// A position: supply, debt, collateral valued, borrow limit, health (one market, or all with no market).
    Position {
        owner: String,
        #[arg(long)]
        market: Option<u64>,
    },
    /// Positions of a market a liquidator may act on now.
    Liquidatable { market: u64 },
    /// Provide unsold slots of a pledged position's hour to its market pool (the escrow
    /// holds the NFT, so the borrower does it here); what they earn repays the loan.
    Provide {
        #[arg(long)]
        from: String,
        market: u64,
        #[arg(long)]
        serial: u64,
        #[arg(long)]
        hour: u64,
        #[arg(long, default_value_t = 1)]
        quantity: u32,
        /// Most quote to add beside the slots, ugusd.
        #[arg(long)]
        max_quote: u128,
    },
    /// What a position NFT would secure in a market now, before pledging it.
    NftValue { market: u64, serial: u64 },
}

fn wad_percent(w: u128) -> f64 {
    w as f64 / 1e16
}

fn describe_market(v: &MarketView) -> String {
    let t = &v.totals;
    format!(
        "market {:>3}  {} against {}  LLTV {:.1} %  supplied {}  borrowed {}  utilisation {:.1} %  borrow {:.2} %/y  supply {:.2} %/y  bad debt {}",
        v.market.id,
        v.market.loan,
        v.market.collateral.name(),
        wad_percent(v.market.lltv_wad),
        t.supply_assets,
        t.borrow_assets,
        wad_percent(v.utilisation_wad),
        v.borrow_apr_bps as f64 / 100.0,
        v.supply_apr_bps as f64 / 100.0,
        t.bad_debt
    )
}

fn describe_position(v: &PositionView) -> String {
    let limit = v
        .borrow_limit
        .map_or_else(|| format!("none ({})", v.price_error.clone().unwrap_or_default()), |l| l.to_string());
    let mut s = format!(
        "market {} {}: supplied {}  owes {}  collateral {}  borrow limit {limit}{}",
        v.market,
        v.owner,
        v.supply_assets,
        v.debt,
        v.position.collateral,
        if v.liquidatable { "  LIQUIDATABLE" } else { "" }
    );
    for h in &v.position.slots {
        s.push_str(&format!("\n  {} slots of hour {}", h.quantity, h.hour));
    }
    for p in &v.pledged {
        s.push_str(&format!(
            "\n  position {}: {} GPU-hours left, factor {:.1} %, worth {}, LLTV {:.1} % until {}",
            p.serial,
            p.units,
            p.factor_bps as f64 / 100.0,
            p.value,
            wad_percent(p.lltv_wad),
            p.expires_at
        ));
    }
    s
}

fn size(assets: Option<u128>, all: bool, shares: impl FnOnce() -> u128) -> Result<Size> {
    match (assets, all) {
        (Some(a), false) => Ok(Size::Assets(a)),
        (None, true) => Ok(Size::Shares(shares())),
        _ => bail!("give an amount of assets or --all"),
    }
}

pub async fn run(cli: &Cli, c: &LendCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let submit = |from: &str, action: LendingAction| {
        let from = from.to_string();
        async move {
            let done = submit_actions(cli, &from, vec![AppAction::Lending(action)]).await?;
            print(cli.json, &done, || done.join("\n"));
            Ok::<(), anyhow::Error>(())
        }
    };
    let position = |market: u64, owner: String| {
        let client = client.clone();
        async move {
            let owner = resolve(cli, &owner)?;
            Ok::<PositionView, anyhow::Error>(client.query(&LendingQuery::Position { market, owner }).await?)
        }
    };
    match c {
        LendCommand::Markets => {
            let markets: Vec<MarketView> = client.query(&LendingQuery::Markets {}).await?;
            print(cli.json, &markets, || {
                if markets.is_empty() {
                    return "no lending markets".into();
                }
                markets.iter().map(describe_market).collect::<Vec<_>>().join("\n")
            });
        }
        LendCommand::Market { id } => {
            let v: MarketView = client.query(&LendingQuery::Market { id: *id }).await?;
            print(cli.json, &v, || describe_market(&v));
        }
        LendCommand::CreateMarket { from, loan, collateral, feed, positions, slots, lltv } => {
            let class = |c: &str| crate::context::parse_enum("class", c, "home, regional, datacentre or btc_miner");
            let collateral = match (collateral, feed, positions, slots) {
                (Some(denom), Some(feed), None, None) => {
                    Collateral::Token { denom: denom.parse()?, feed: feed.clone() }
                }
                (None, None, Some(c), None) => Collateral::Positions { class: class(c)? },
                (None, None, None, Some(c)) => Collateral::Slots { class: class(c)? },
                _ => bail!("give --collateral DENOM --feed FEED, --positions CLASS or --slots CLASS"),
            };
            let lltv_wad = (lltv * 1e16).round() as u128;
            let loan: Denom = loan.parse()?;
            submit(from, LendingAction::CreateMarket { loan, collateral, lltv_wad }).await?;
        }
        LendCommand::Supply { from, market, assets } => {
            submit(from, LendingAction::Supply { market: MarketId(*market), assets: *assets }).await?;
        }
        LendCommand::Withdraw { from, market, assets, all } => {
            let shares = if *all { position(*market, from.clone()).await?.position.supply_shares } else { 0 };
            let amount = size(*assets, *all, || shares)?;
            submit(from, LendingAction::Withdraw { market: MarketId(*market), amount }).await?;
        }
        LendCommand::Borrow { from, market, assets } => {
            submit(from, LendingAction::Borrow { market: MarketId(*market), assets: *assets }).await?;
        }
        LendCommand::Repay { from, market, assets, all } => {
            let shares = if *all { position(*market, from.clone()).await?.position.borrow_shares } else { 0 };
            let amount = size(*assets, *all, || shares)?;
            submit(from, LendingAction::Repay { market: MarketId(*market), amount }).await?;
        }
        LendCommand::Collateral { from, market, amount, hour, withdraw, serial, release } => {
            let market = MarketId(*market);
            let action = match (amount, hour, serial) {
                (Some(quantity), Some(hour), None) if *withdraw => {
                    LendingAction::WithdrawSlots { market, hour: *hour, quantity: *quantity }
                }
                (Some(quantity), Some(hour), None) => {
                    LendingAction::SupplySlots { market, hour: *hour, quantity: *quantity }
                }
                (Some(amount), None, None) if *withdraw => {
                    LendingAction::WithdrawCollateral { market, amount: *amount }
                }
                (Some(amount), None, None) => LendingAction::SupplyCollateral { market, amount: *amount },
                (None, None, Some(serial)) if *release => LendingAction::Release { market, serial: *serial },
                (None, None, Some(serial)) => LendingAction::Pledge { market, serial: *serial },
                _ => bail!(
                    "give an amount of token collateral, an amount of slots with --hour, or --serial of a position NFT"
                ),
            };
            submit(from, action).await?;
        }
        LendCommand::Liquidate { from, market, borrower, repay, serial, hour, quantity } => {
            let borrower = resolve(cli, borrower)?;
            let market = MarketId(*market);
            let action = match hour {
                Some(hour) => LendingAction::LiquidateSlots { market, borrower, hour: *hour, quantity: *quantity },
                None => LendingAction::Liquidate { market, borrower, repay: *repay, serial: *serial },
            };
            submit(from, action).await?;
        }
        LendCommand::Position { owner, market: Some(market) } => {
            let v = position(*market, owner.clone()).await?;
            print(cli.json, &v, || describe_position(&v));
        }
        LendCommand::Position { owner, market: None } => {
            let owner = resolve(cli, owner)?;
            let all: Vec<PositionView> = client.query(&LendingQuery::Positions { owner }).await?;
            print(cli.json, &all, || {
                if all.is_empty() {
                    return "no lending positions".into();
                }
                all.iter().map(describe_position).collect::<Vec<_>>().join("\n")
            });
        }
        LendCommand::NftValue { market, serial } => {
            let v: greenhour_lending::query::PledgedView =
                client.query(&LendingQuery::NftValue { market: *market, serial: *serial }).await?;
            print(cli.json, &v, || {
                format!(
                    "position {}: {} GPU-hours left, factor {:.1} %, worth {}, LLTV {:.1} % (borrow up to {}) until {}",
                    v.serial,
                    v.units,
                    v.factor_bps as f64 / 100.0,
                    v.value,
                    wad_percent(v.lltv_wad),
                    v.value.saturating_mul(v.lltv_wad) / 1_000_000_000_000_000_000,
                    v.expires_at
                )
            });
        }
        LendCommand::Provide { from, market, serial, hour, quantity, max_quote } => {
            let action = LendingAction::Provide {
                market: MarketId(*market),
                serial: *serial,
                hour: *hour,
                quantity: *quantity,
                max_quote: *max_quote,
                min_shares: 0,
            };
            submit(from, action).await?;
        }
        LendCommand::Liquidatable { market } => {
            let all: Vec<PositionView> = client.query(&LendingQuery::Liquidatable { market: *market }).await?;
            print(cli.json, &all, || {
                if all.is_empty() {
                    return "nothing to liquidate".into();
                }
                all.iter().map(describe_position).collect::<Vec<_>>().join("\n")
            });
        }
    }
    Ok(())
}
