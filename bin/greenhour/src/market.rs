//! `greenhour market …`: open pools for hour slots, add and remove liquidity,
//! quote and swap.

use crate::context::{next_hour_after, submit_actions, DEFAULT_DEADLINE_SECS};
use crate::output::print;
use crate::Cli;
use anyhow::{bail, Result};
use clap::Subcommand;
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_market::{Exact, MarketAction};
use greenhour_primitives::Denom;

#[derive(Subcommand)]
pub enum IndexCommand {
    /// The Green Compute Index: every series with fills, or one class.
    Show {
        /// home | regional | datacentre | btc_miner
        #[arg(long)]
        class: Option<String>,
        #[arg(long)]
        quote: Option<String>,
    },
}

pub async fn run_index(cli: &Cli, c: &IndexCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let IndexCommand::Show { class, quote } = c;
    let values = client.index(class.as_deref(), quote.as_deref()).await?;
    print(cli.json, &values, || {
        if values.is_empty() {
            return "no fills yet".into();
        }
        let price = |p: Option<u128>| p.map_or("-".to_string(), |w| format!("{:.6}", w as f64 / 1e18));
        values
            .iter()
            .map(|v| {
                format!(
                    "{}/{}: hour {} {}  {} h: {} (green-weighted {}, green share {:.1} %)  {} GPU-hours in {} fills",
                    v.class,
                    v.quote,
                    v.hour,
                    price(v.hour_price_wad),
                    v.window_hours,
                    price(v.price_wad),
                    price(v.green_price_wad),
                    v.green_share_bps as f64 / 100.0,
                    v.slots,
                    v.fills
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

#[derive(Subcommand)]
pub enum MarketCommand {
    /// Every pool: reserves, price, TWAP, time to close.
    Pools,
    /// One pool in full (JSON with --json).
    Pool {
        /// The slot denom, e.g. slot/home/498700.
        slot: String,
    },
    /// What a swap would pay or get now (exactly one of --exact-in / --exact-out).
    Quote {
        /// The slot denom, e.g. slot/home/498700.
        slot: String,
        #[arg(long)]
        sell: bool,
        #[arg(long)]
        exact_in: Option<u128>,
        #[arg(long)]
        exact_out: Option<u128>,
    },
    /// Open a pool for a future hour's slots.
    Create {
        #[arg(long)]
        from: String,
        slot: String,
        #[arg(long, default_value = "ugusd")]
        quote: String,
        /// Floor price in quote units per slot (the decay tends to it).
        #[arg(long, default_value_t = 0)]
        floor: u128,
        #[arg(long, default_value_t = 3_600)]
        half_life: u64,
        #[arg(long, default_value_t = 86_400)]
        decay_window: u64,
    },
    /// Deposit slots and quote (at most these amounts) for LP shares.
    AddLiquidity {
        #[arg(long)]
        from: String,
        slot: String,
        #[arg(long)]
        slots: u128,
        #[arg(long)]
        quote: u128,
        #[arg(long, default_value_t = 0)]
        min_shares: u128,
    },
    /// Burn LP shares for the pool's slots and quote.
    RemoveLiquidity {
        #[arg(long)]
        from: String,
        slot: String,
        #[arg(long)]
        shares: u128,
        #[arg(long, default_value_t = 0)]
        min_slots: u128,
        #[arg(long, default_value_t = 0)]
        min_quote: u128,
    },
    /// Buy slots in consecutive hours in one transaction (all hours fill or none):
    /// prices the route now and pays at most that plus --slippage-bps, or --max-total.
    BuyHours {
        #[arg(long)]
        from: String,
        /// home | regional | datacentre | btc_miner
        #[arg(long, default_value = "home")]
        class: String,
        /// First UTC hour index (Unix seconds / 3600); default: the next hour that
        /// starts at least 10 minutes after the latest block.
        #[arg(long)]
        first_hour: Option<u64>,
        #[arg(long)]
        hours: u32,
        /// Slots (GPU-hours) in each hour.
        #[arg(long, default_value_t = 1)]
        slots: u128,
        #[arg(long, default_value = "ugusd")]
        quote: String,
        /// Most paid in all; overrides --slippage-bps.
        #[arg(long)]
        max_total: Option<u128>,
        /// Tolerance over the quoted total, basis points.
        #[arg(long, default_value_t = 100)]
        slippage_bps: u32,
    },
    /// Buy (or --sell) slots: exact in with --min-out, or exact out with --max-in.
    Swap {
        #[arg(long)]
        from: String,
        slot: String,
        #[arg(long)]
        sell: bool,
        #[arg(long)]
        exact_in: Option<u128>,
        #[arg(long)]
        exact_out: Option<u128>,
        /// Least accepted output (with --exact-in).
        #[arg(long, default_value_t = 0)]
        min_out: u128,
        /// Most paid input (with --exact-out).
        #[arg(long, default_value_t = u128::MAX)]
        max_in: u128,
        /// Unix seconds after which the swap must not execute.
        #[arg(long)]
        deadline: Option<u64>,
    },
}

fn exact(exact_in: Option<u128>, exact_out: Option<u128>) -> Result<Exact> {
    match (exact_in, exact_out) {
        (Some(a), None) => Ok(Exact::In(a)),
        (None, Some(a)) => Ok(Exact::Out(a)),
        _ => bail!("give exactly one of --exact-in or --exact-out"),
    }
}

fn denom(s: &str) -> Result<Denom> {
    s.parse().map_err(|e: greenhour_primitives::DenomError| anyhow::anyhow!("{e}"))
}

fn describe_pool(p: &greenhour_market::state::MarketPoolView) -> String {
    let wad = |w: u128| w as f64 / 1e18;
    let twap = p.twap.map_or("-".to_string(), |t| format!("{:.6} over {} s", wad(t.price_wad), t.to - t.from));
    format!(
        "{:<22} {:?}  {:>6} slots  {:>14} {} (virtual {})  price {:.6}  twap {twap}  shares {}  closes in {} s",
        p.pool.slot.as_str(),
        p.phase,
        p.pool.x,
        p.pool.y,
        p.pool.quote,
        p.pool.v,
        wad(p.price_wad),
        p.pool.shares,
        p.closes_in
    )
}

pub async fn run(cli: &Cli, c: &MarketCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let now = || async { Ok::<u64, anyhow::Error>(client.status().await?.latest_block_time) };
    let default_deadline = || async { Ok::<u64, anyhow::Error>(now().await? + DEFAULT_DEADLINE_SECS) };
    // Signs, waits for the commit and prints what happened.
    let submit = |from: &str, action: MarketAction| {
        let from = from.to_string();
        async move {
            let done = submit_actions(cli, &from, vec![AppAction::Market(action)]).await?;
            print(cli.json, &done, || done.join("\n"));
            Ok(())
        }
    };
    match c {
        MarketCommand::Pools => {
            let pools = client.market_pools().await?;
            print(cli.json, &pools, || {
                if pools.is_empty() {
                    return "no market pools".into();
                }
                pools.iter().map(describe_pool).collect::<Vec<_>>().join("\n")
            });
        }
        MarketCommand::Pool { slot } => {
            let p = client.market_pool(slot).await?;
            print(cli.json, &p, || describe_pool(&p));
        }
        MarketCommand::BuyHours { from, class, first_hour, hours, slots, quote, max_total, slippage_bps } => {
            let first_hour = match first_hour {
                Some(h) => *h,
                None => next_hour_after(now().await?),
            };
            let first_slot = format!("slot/{class}/{first_hour}");
            let route = client.market_route(&first_slot, *hours, *slots, Some(quote)).await?;
            let quoted: u128 = route["total"].as_str().unwrap_or("0").parse()?;
            let max_total = match max_total {
                Some(m) => *m,
                None => quoted.saturating_add(quoted.saturating_mul(*slippage_bps as u128) / 10_000),
            };
            let action = MarketAction::BuyHours {
                first_slot: denom(&first_slot)?,
                hours: *hours,
                slots_per_hour: *slots,
                quote: denom(quote)?,
                max_total,
                deadline: default_deadline().await?,
            };
            let done = submit_actions(cli, from, vec![AppAction::Market(action)]).await?;
            let shown = serde_json::json!({ "route": route, "max_total": max_total.to_string(), "events": done });
            print(cli.json, &shown, || {
                format!("bought {slots} slot(s) in each of {hours} hours from {first_slot}, quoted {quoted} {quote} (limit {max_total})\n{}", done.join("\n"))
            });
        }
        MarketCommand::Quote { slot, sell, exact_in, exact_out } => {
            let q = client.market_quote(slot, !sell, exact(*exact_in, *exact_out)?).await?;
            print(cli.json, &q, || {
                format!("{} in → {} out (spot price {} per slot, WAD)", q["in"], q["out"], q["price_wad"])
            });
        }
        MarketCommand::Create { from, slot, quote, floor, half_life, decay_window } => {
            let floor_wad =
                floor.checked_mul(greenhour_market::math::WAD).ok_or_else(|| anyhow::anyhow!("floor too large"))?;
            let action = MarketAction::Create {
                slot: denom(slot)?,
                quote: denom(quote)?,
                floor_wad,
                half_life: *half_life,
                decay_window: *decay_window,
            };
            return submit(from, action).await;
        }
        MarketCommand::AddLiquidity { from, slot, slots, quote, min_shares } => {
            let action = MarketAction::AddLiquidity {
                slot: denom(slot)?,
                max_slots: *slots,
                max_quote: *quote,
                min_shares: *min_shares,
                deadline: default_deadline().await?,
            };
            return submit(from, action).await;
        }
        MarketCommand::RemoveLiquidity { from, slot, shares, min_slots, min_quote } => {
            let action = MarketAction::RemoveLiquidity {
                slot: denom(slot)?,
                shares: *shares,
                min_slots: *min_slots,
                min_quote: *min_quote,
                deadline: default_deadline().await?,
            };
            return submit(from, action).await;
        }
        MarketCommand::Swap { from, slot, sell, exact_in, exact_out, min_out, max_in, deadline } => {
            let exact = exact(*exact_in, *exact_out)?;
            let limit = match exact {
                Exact::In(_) => *min_out,
                Exact::Out(_) => *max_in,
            };
            let deadline = match deadline {
                Some(d) => *d,
                None => default_deadline().await?,
            };
            let action = MarketAction::Swap { slot: denom(slot)?, buy_slots: !sell, exact, limit, deadline };
            return submit(from, action).await;
        }
    }
    Ok(())
}
