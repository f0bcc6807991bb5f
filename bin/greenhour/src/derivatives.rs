//! `greenhour futures|perp|option|trs …`: the derivatives module — list a series,
//! trade it in the order book, and manage the gUSD margin account every series
//! shares (deposit, withdraw, liquidate, show).

use crate::context::{resolve, submit_actions};
use crate::output::print;
use crate::Cli;
use anyhow::{bail, Result};
use clap::Subcommand;
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_derivatives::query::{AccountView, BookView, DerivativesQuery, SeriesView, Shortfall};
use greenhour_derivatives::state::Underlying;
use greenhour_derivatives::{DerivativesAction, Instrument, Insurance, Leg, Right, Side};

#[derive(Subcommand)]
pub enum FuturesCommand {
    /// List a cash-settled future on a class's index for a delivery day (UTC day number).
    New {
        #[arg(long)]
        from: String,
        #[arg(long, default_value = "home")]
        class: String,
        #[arg(long)]
        day: u64,
    },
    #[command(flatten)]
    Trade(TradeCommand),
}

#[derive(Subcommand)]
pub enum PerpCommand {
    /// List the perpetual on a class's index.
    New {
        #[arg(long)]
        from: String,
        #[arg(long, default_value = "home")]
        class: String,
    },
    #[command(flatten)]
    Trade(TradeCommand),
}

#[derive(Subcommand)]
pub enum OptionCommand {
    /// List a European cash-settled option on a class's index.
    New {
        #[arg(long)]
        from: String,
        #[arg(long, default_value = "home")]
        class: String,
        /// The UTC hour index it expires at.
        #[arg(long)]
        expiry_hour: u64,
        /// ugusd per GPU-hour.
        #[arg(long)]
        strike: u128,
        /// `call` or `put`.
        #[arg(long)]
        right: String,
    },
    #[command(flatten)]
    Trade(TradeCommand),
}

#[derive(Subcommand)]
pub enum TrsCommand {
    /// List a total return swap on a class's index (--class) or an RWA tranche
    /// (--package and --tranche): the long receives its total return and pays
    /// --rate-bps a year until --maturity-hour; with --floating-market, the rate
    /// is that gUSD lending market's borrow rate plus --rate-bps.
    New {
        #[arg(long)]
        from: String,
        #[arg(long, conflicts_with_all = ["package", "tranche"])]
        class: Option<String>,
        #[arg(long, requires = "tranche")]
        package: Option<u64>,
        #[arg(long, requires = "package")]
        tranche: Option<u32>,
        #[arg(long)]
        rate_bps: u32,
        /// Float on this lending market's borrow rate (the fixed rate becomes the spread).
        #[arg(long)]
        floating_market: Option<u64>,
        /// The UTC hour index it matures at.
        #[arg(long)]
        maturity_hour: u64,
    },
    #[command(flatten)]
    Trade(TradeCommand),
}

/// What every kind of series shares: the book and the margin account.
#[derive(Subcommand)]
pub enum TradeCommand {
    /// This kind's series, newest first: mark, funding, open interest, final price.
    Series,
    /// One series.
    Show { id: u64 },
    /// A series' order book by price level.
    Book { id: u64 },
    /// Buy SIZE contracts of series ID at --price ugusd or better.
    Buy(OrderArgs),
    /// Sell SIZE contracts of series ID at --price ugusd or better.
    Sell(OrderArgs),
    /// Cancel a resting order.
    Cancel {
        #[arg(long)]
        from: String,
        order: u64,
    },
    /// Move ugusd into your margin account.
    Deposit {
        #[arg(long)]
        from: String,
        amount: u128,
    },
    /// Move ugusd out of your margin account (equity must stay above the initial margin).
    Withdraw {
        #[arg(long)]
        from: String,
        amount: u128,
    },
    /// A margin account: cash, equity, margins, positions, orders.
    Account { owner: String },
    /// Take over an account below its maintenance margin at the mark.
    Liquidate {
        #[arg(long)]
        from: String,
        owner: String,
    },
    /// Accounts below their maintenance margin.
    Liquidatable,
    /// The insurance fund.
    Insurance,
}

#[derive(clap::Args)]
pub struct OrderArgs {
    #[arg(long)]
    from: String,
    id: u64,
    size: u128,
    /// Limit price, ugusd per contract (one GPU-hour).
    #[arg(long)]
    price: u128,
    /// Fill what crosses now and drop the rest instead of resting it.
    #[arg(long)]
    ioc: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Future,
    Perp,
    Option,
    Swap,
}

fn is_kind(i: &Instrument, kind: Kind) -> bool {
    matches!(
        (i, kind),
        (Instrument::Future { .. }, Kind::Future)
            | (Instrument::Perp { .. }, Kind::Perp)
            | (Instrument::Option { .. }, Kind::Option)
    )
}

fn gusd(ugusd: i128) -> String {
    format!("{:.6}", ugusd as f64 / 1e6)
}

fn series_line(v: &SeriesView) -> String {
    let s = &v.series;
    let state = match (s.settlement, v.trading) {
        (Some(p), _) => format!(
            "settled at {} gUSD{}",
            gusd(p as i128),
            if s.settled_on_fallback { " (fallback: last mark)" } else { "" }
        ),
        (None, true) => "trading".into(),
        (None, false) => "awaiting settlement".into(),
    };
    format!(
        "series {} {}: {state}, mark {} gUSD (hour {}{}), open interest {}, volume {}, funding {} ugusd/h",
        s.id,
        v.name,
        s.mark.map_or("none".into(), |m| gusd(m as i128)),
        s.mark_hour,
        if s.stale { ", stale" } else { "" },
        s.open_interest,
        s.volume,
        s.funding_rate
    )
}

async fn commit(cli: &Cli, from: &str, action: DerivativesAction) -> Result<()> {
    let done = submit_actions(cli, from, vec![AppAction::Derivatives(action)]).await?;
    print(cli.json, &done, || done.join("\n"));
    Ok(())
}

pub async fn run_futures(cli: &Cli, c: &FuturesCommand) -> Result<()> {
    match c {
        FuturesCommand::New { from, class, day } => {
            commit(
                cli,
                from,
                DerivativesAction::List { instrument: Instrument::Future { class: class.clone(), day: *day } },
            )
            .await
        }
        FuturesCommand::Trade(t) => trade(cli, Kind::Future, t).await,
    }
}

pub async fn run_perp(cli: &Cli, c: &PerpCommand) -> Result<()> {
    match c {
        PerpCommand::New { from, class } => {
            commit(cli, from, DerivativesAction::List { instrument: Instrument::Perp { class: class.clone() } }).await
        }
        PerpCommand::Trade(t) => trade(cli, Kind::Perp, t).await,
    }
}

pub async fn run_option(cli: &Cli, c: &OptionCommand) -> Result<()> {
    match c {
        OptionCommand::New { from, class, expiry_hour, strike, right } => {
            let right = match right.as_str() {
                "call" => Right::Call,
                "put" => Right::Put,
                other => bail!("--right is call or put, not {other:?}"),
            };
            let instrument =
                Instrument::Option { class: class.clone(), expiry_hour: *expiry_hour, strike: *strike, right };
            commit(cli, from, DerivativesAction::List { instrument }).await
        }
        OptionCommand::Trade(t) => trade(cli, Kind::Option, t).await,
    }
}

pub async fn run_trs(cli: &Cli, c: &TrsCommand) -> Result<()> {
    match c {
        TrsCommand::New { from, class, package, tranche, rate_bps, floating_market, maturity_hour } => {
            let underlying = match (class, package, tranche) {
                (_, Some(package), Some(tranche)) => Underlying::Tranche { package: *package, tranche: *tranche },
                (Some(class), None, None) => Underlying::Index { class: class.clone() },
                _ => bail!("name the underlying: --class, or --package with --tranche"),
            };
            let leg = match floating_market {
                Some(market) => Leg::Floating { market: *market, spread_bps: *rate_bps },
                None => Leg::Fixed { rate_bps: *rate_bps },
            };
            let instrument = Instrument::Swap { underlying, leg, maturity_hour: *maturity_hour };
            commit(cli, from, DerivativesAction::List { instrument }).await
        }
        TrsCommand::Trade(t) => trade(cli, Kind::Swap, t).await,
    }
}

async fn trade(cli: &Cli, kind: Kind, c: &TradeCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match c {
        TradeCommand::Series => {
            let all: Vec<SeriesView> = client.query(&DerivativesQuery::SeriesList {}).await?;
            let mine: Vec<SeriesView> = all.into_iter().filter(|v| is_kind(&v.series.instrument, kind)).collect();
            print(cli.json, &mine, || {
                if mine.is_empty() {
                    return "no series".into();
                }
                mine.iter().map(series_line).collect::<Vec<_>>().join("\n")
            });
        }
        TradeCommand::Show { id } => {
            let v: SeriesView = client.query(&DerivativesQuery::Series { id: *id }).await?;
            print(cli.json, &v, || series_line(&v));
        }
        TradeCommand::Book { id } => {
            let b: BookView = client.query(&DerivativesQuery::Book { id: *id }).await?;
            print(cli.json, &b, || {
                let side = |name: &str, levels: &[greenhour_derivatives::query::Level]| {
                    levels
                        .iter()
                        .map(|l| format!("{name} {} × {} ({} orders)", gusd(l.price as i128), l.size, l.orders))
                        .collect::<Vec<_>>()
                };
                let mut lines = side("ask", &b.asks);
                lines.reverse();
                lines.extend(side("bid", &b.bids));
                if lines.is_empty() {
                    "the book is empty".into()
                } else {
                    lines.join("\n")
                }
            });
        }
        TradeCommand::Buy(o) | TradeCommand::Sell(o) => {
            let side = if matches!(c, TradeCommand::Buy(_)) { Side::Buy } else { Side::Sell };
            let action =
                DerivativesAction::Place { series: o.id, side, size: o.size, price: o.price, immediate_only: o.ioc };
            commit(cli, &o.from, action).await?
        }
        TradeCommand::Cancel { from, order } => commit(cli, from, DerivativesAction::Cancel { order: *order }).await?,
        TradeCommand::Deposit { from, amount } => {
            commit(cli, from, DerivativesAction::Deposit { amount: *amount }).await?
        }
        TradeCommand::Withdraw { from, amount } => {
            commit(cli, from, DerivativesAction::Withdraw { amount: *amount }).await?
        }
        TradeCommand::Account { owner } => {
            let a: AccountView = client.query(&DerivativesQuery::Account { owner: resolve(cli, owner)? }).await?;
            print(cli.json, &a, || {
                let mut lines = vec![format!(
                    "{}: cash {} gUSD, equity {}, maintenance {}, initial {}{}",
                    a.owner,
                    gusd(a.cash),
                    gusd(a.equity),
                    gusd(a.maintenance as i128),
                    gusd(a.initial as i128),
                    if a.liquidatable { " — LIQUIDATABLE" } else { "" }
                )];
                for p in &a.positions {
                    lines.push(format!(
                        "  {} {} contracts, cost {} gUSD, at {} gUSD, funding owed {}, unrealised PnL {}{}",
                        p.name,
                        p.size,
                        gusd(p.cost),
                        gusd(p.price as i128),
                        gusd(p.funding_owed),
                        gusd(p.unrealised_pnl),
                        if p.settled { " (settled)" } else { "" }
                    ));
                }
                for o in &a.orders {
                    lines.push(format!(
                        "  order {} in series {}: {:?} {} at {} gUSD",
                        o.id,
                        o.series,
                        o.side,
                        o.open,
                        gusd(o.price as i128)
                    ));
                }
                lines.join("\n")
            });
        }
        TradeCommand::Liquidate { from, owner } => {
            commit(cli, from, DerivativesAction::Liquidate { owner: resolve(cli, owner)? }).await?
        }
        TradeCommand::Liquidatable => {
            let all: Vec<Shortfall> = client.query(&DerivativesQuery::Liquidatable {}).await?;
            print(cli.json, &all, || {
                if all.is_empty() {
                    return "no account is below its maintenance margin".into();
                }
                all.iter()
                    .map(|s| {
                        format!(
                            "{}: equity {} gUSD, maintenance {}",
                            s.owner,
                            gusd(s.equity),
                            gusd(s.maintenance as i128)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        TradeCommand::Insurance => {
            let i: Insurance = client.query(&DerivativesQuery::Insurance {}).await?;
            print(cli.json, &i, || {
                format!(
                    "insurance fund {} gUSD: fees {}, penalties {}, bad debt covered {}, uncovered {}, {} liquidations",
                    gusd(i.balance as i128),
                    gusd(i.fees as i128),
                    gusd(i.penalties as i128),
                    gusd(i.covered as i128),
                    gusd(i.uncovered as i128),
                    i.liquidations
                )
            });
        }
    }
    Ok(())
}
