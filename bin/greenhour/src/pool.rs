//! `greenhour pool …`: create and join pools, pledge hours, release slots, leave,
//! and read pools, positions and slot tokens.

use crate::context::{next_hour_after, parse_enum, resolve, submit_actions, DEFAULT_DEADLINE_SECS};
use crate::output::print;
use crate::Cli;
use anyhow::{bail, Result};
use clap::Subcommand;
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_pools::{EntryConditions, PoolId, PoolsAction, PositionView};
use serde_json::json;

#[derive(Subcommand)]
pub enum PoolCommand {
    /// Create a pool for one device class and kind, with its entry conditions.
    Create {
        #[arg(long)]
        from: String,
        /// home | regional | datacentre | btc_miner
        #[arg(long, default_value = "home")]
        class: String,
        /// green_energy | compute | green_compute
        #[arg(long, default_value = "green_compute")]
        kind: String,
        /// ughr bonded by each member (returned when it has left).
        #[arg(long, default_value_t = 0)]
        min_stake: u128,
        /// Entry by lottery with this many winners per epoch (0: no lottery).
        #[arg(long, default_value_t = 0)]
        lottery_seats: u32,
        /// History window in days for the measured conditions.
        #[arg(long, default_value_t = 0)]
        window_days: u32,
        #[arg(long, default_value_t = 0)]
        min_green_share_bps: u32,
        #[arg(long, default_value_t = 0)]
        min_uptime_bps: u32,
        /// Most members per location cell (0: no cap).
        #[arg(long, default_value_t = 0)]
        max_per_cell: u32,
    },
    /// Enter a device of --from into a pool (or file a lottery ticket).
    Join {
        #[arg(long)]
        from: String,
        #[arg(long)]
        pool: u64,
        #[arg(long)]
        device: u64,
    },
    /// Pledge GPU-hours (or kWh) for future UTC hours; mints slot tokens and a position NFT.
    Pledge {
        #[arg(long)]
        from: String,
        #[arg(long)]
        pool: u64,
        #[arg(long)]
        device: u64,
        /// First UTC hour index (Unix seconds / 3600). Default: the next hour that
        /// starts at least 10 minutes after the latest block, or tomorrow's first
        /// hour with --tomorrow.
        #[arg(long)]
        first_hour: Option<u64>,
        /// Pledge tomorrow (UTC): 24 hours from the next midnight.
        #[arg(long)]
        tomorrow: bool,
        #[arg(long, default_value_t = 24)]
        hours: u32,
        /// Units per hour (GPUs, or kWh for green_energy pools).
        #[arg(long, default_value_t = 1)]
        quantity: u32,
    },
    /// Add hours at the same quantity right after a position's last hour (owner of device and NFT).
    Extend {
        #[arg(long)]
        from: String,
        #[arg(long)]
        position: u64,
        #[arg(long, default_value_t = 24)]
        hours: u32,
    },
    /// Take unsold slot tokens of a future hour out of the pool's custody (position owner only).
    Release {
        #[arg(long)]
        from: String,
        #[arg(long)]
        position: u64,
        #[arg(long)]
        hour: u64,
        #[arg(long, default_value_t = 1)]
        quantity: u32,
    },
    /// Put a position's unsold slots of an hour into that hour's market pool with some
    /// quote; the LP shares stay with the position (withdrawn if the device leaves).
    Provide {
        #[arg(long)]
        from: String,
        #[arg(long)]
        position: u64,
        #[arg(long)]
        hour: u64,
        #[arg(long, default_value_t = 1)]
        quantity: u32,
        /// Most quote (µ units of the pool's quote denom) deposited with the slots.
        #[arg(long)]
        max_quote: u128,
        #[arg(long, default_value_t = 0)]
        min_shares: u128,
    },
    /// Burn a position's LP shares of an hour for slots and quote (quote only after the hour).
    Withdraw {
        #[arg(long)]
        from: String,
        #[arg(long)]
        position: u64,
        #[arg(long)]
        hour: u64,
        #[arg(long)]
        shares: u128,
        #[arg(long, default_value_t = 0)]
        min_slots: u128,
        #[arg(long, default_value_t = 0)]
        min_quote: u128,
    },
    /// Leave a pool: unsold future slots are withdrawn now; run again after the last pledged hour for the stake.
    Leave {
        #[arg(long)]
        from: String,
        #[arg(long)]
        pool: u64,
        #[arg(long)]
        device: u64,
    },
    /// All pools, or one pool with its members.
    Show { id: Option<u64> },
    /// A position and the state of each of its hours.
    Position { serial: u64 },
    /// Positions of an owner (address or key name), of a device or pool, or covering an hour.
    Positions {
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        device: Option<u64>,
        #[arg(long)]
        hour: Option<u64>,
        #[arg(long)]
        pool: Option<u64>,
    },
    /// Slot tokens of one class and hour.
    Slots {
        #[arg(long, default_value = "home")]
        class: String,
        #[arg(long)]
        hour: u64,
        /// gpu_hour | kwh
        #[arg(long, default_value = "gpu_hour")]
        unit: String,
    },
}

fn describe(v: &PositionView) -> String {
    let p = &v.position;
    let mut s = format!(
        "position {}  pool {}  device {}  {:?}  {} × {} hours from hour {}  owner {}",
        p.serial, p.pool, p.device, p.unit, p.quantity, p.hours, p.first_hour, v.owner
    );
    for h in &v.hours {
        s.push_str(&format!(
            "\n  hour {}  {:<12} unsold {}  sold {}  withdrawn {}  ({})",
            h.hour,
            serde_json::to_value(h.state).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            h.unsold,
            h.sold,
            h.withdrawn,
            h.denom
        ));
    }
    s
}

pub async fn run(cli: &Cli, c: &PoolCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let submit = |from: &str, action: PoolsAction| {
        let from = from.to_string();
        async move { submit_actions(cli, &from, vec![AppAction::Pools(action)]).await }
    };
    match c {
        PoolCommand::Create {
            from,
            class,
            kind,
            min_stake,
            lottery_seats,
            window_days,
            min_green_share_bps,
            min_uptime_bps,
            max_per_cell,
        } => {
            let class = parse_enum("class", class, "home, regional, datacentre, btc_miner")?;
            let kind = parse_enum("kind", kind, "green_energy, compute, green_compute")?;
            let conditions = EntryConditions {
                min_stake: *min_stake,
                lottery_seats: *lottery_seats,
                window_days: *window_days,
                min_green_share_bps: *min_green_share_bps,
                min_uptime_bps: *min_uptime_bps,
                max_devices_per_cell: *max_per_cell,
            };
            let done = submit(from, PoolsAction::Create { class, kind, conditions }).await?;
            let newest = client.pools().await?.into_iter().next_back();
            print(cli.json, &newest, || match &newest {
                Some(p) => format!("{}\ncreated pool {}", done.join("\n"), p.id),
                None => done.join("\n"),
            });
        }
        PoolCommand::Join { from, pool, device } => {
            let done =
                submit(from, PoolsAction::Join { pool: PoolId(*pool), device: greenhour_devices::DeviceId(*device) })
                    .await?;
            print(cli.json, &done, || done.join("\n"));
        }
        PoolCommand::Pledge { from, pool, device, first_hour, tomorrow, hours, quantity } => {
            let now = client.status().await?.latest_block_time;
            let first_hour = match (first_hour, tomorrow) {
                (Some(_), true) => bail!("give --first-hour or --tomorrow, not both"),
                (Some(h), false) => *h,
                (None, true) => (now / 86_400 + 1) * 24,
                (None, false) => next_hour_after(now),
            };
            let action = PoolsAction::Pledge {
                pool: PoolId(*pool),
                device: greenhour_devices::DeviceId(*device),
                first_hour,
                hours: *hours,
                quantity: *quantity,
            };
            let done = submit(from, action).await?;
            let owner = resolve(cli, from)?;
            let mine = client.positions(json!({ "owner": owner.to_string() })).await?;
            let newest = mine.into_iter().max_by_key(|v| v.position.serial);
            print(cli.json, &newest, || match &newest {
                Some(v) => format!("{}\n{}", done.join("\n"), describe(v)),
                None => done.join("\n"),
            });
        }
        PoolCommand::Extend { from, position, hours } => {
            submit(from, PoolsAction::Extend { position: *position, hours: *hours }).await?;
            let v = client.position(*position).await?;
            print(cli.json, &v, || describe(&v));
        }
        PoolCommand::Release { from, position, hour, quantity } => {
            let done =
                submit(from, PoolsAction::Release { position: *position, hour: *hour, quantity: *quantity }).await?;
            print(cli.json, &done, || done.join("\n"));
        }
        PoolCommand::Provide { from, position, hour, quantity, max_quote, min_shares } => {
            let deadline = client.status().await?.latest_block_time + DEFAULT_DEADLINE_SECS;
            let action = PoolsAction::Provide {
                position: *position,
                hour: *hour,
                quantity: *quantity,
                max_quote: *max_quote,
                min_shares: *min_shares,
                deadline,
            };
            let done = submit(from, action).await?;
            print(cli.json, &done, || done.join("\n"));
        }
        PoolCommand::Withdraw { from, position, hour, shares, min_slots, min_quote } => {
            let deadline = client.status().await?.latest_block_time + DEFAULT_DEADLINE_SECS;
            let action = PoolsAction::Withdraw {
                position: *position,
                hour: *hour,
                shares: *shares,
                min_slots: *min_slots,
                min_quote: *min_quote,
                deadline,
            };
            let done = submit(from, action).await?;
            print(cli.json, &done, || done.join("\n"));
        }
        PoolCommand::Leave { from, pool, device } => {
            let done =
                submit(from, PoolsAction::Leave { pool: PoolId(*pool), device: greenhour_devices::DeviceId(*device) })
                    .await?;
            print(cli.json, &done, || done.join("\n"));
        }
        PoolCommand::Show { id: Some(id) } => {
            let v = client.pool(*id).await?;
            print(cli.json, &v, || serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        PoolCommand::Show { id: None } => {
            let pools = client.pools().await?;
            print(cli.json, &pools, || {
                if pools.is_empty() {
                    return "no pools".into();
                }
                pools
                    .iter()
                    .map(|p| {
                        let c = &p.conditions;
                        format!(
                            "pool {:>4}  {:?} {:?}  members {}  stake {} ughr  lottery {}  window {} d  green ≥ {} bps  uptime ≥ {} bps  per cell ≤ {}",
                            p.id, p.class, p.kind, p.members, c.min_stake, c.lottery_seats, c.window_days,
                            c.min_green_share_bps, c.min_uptime_bps, c.max_devices_per_cell
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        PoolCommand::Position { serial } => {
            let v = client.position(*serial).await?;
            print(cli.json, &v, || describe(&v));
        }
        PoolCommand::Positions { owner, device, hour, pool } => {
            let filter = match (owner, device, hour, pool) {
                (Some(o), None, None, None) => json!({ "owner": resolve(cli, o)?.to_string() }),
                (None, Some(d), None, None) => json!({ "device": d }),
                (None, None, Some(h), None) => json!({ "hour": h }),
                (None, None, None, Some(p)) => json!({ "pool": p }),
                _ => bail!("give exactly one of --owner, --device, --hour or --pool"),
            };
            let list = client.positions(filter).await?;
            print(cli.json, &list, || {
                if list.is_empty() {
                    "no positions".into()
                } else {
                    list.iter().map(describe).collect::<Vec<_>>().join("\n")
                }
            });
        }
        PoolCommand::Slots { class, hour, unit } => {
            let v = client.slot(unit, class, *hour).await?;
            print(cli.json, &v, || {
                format!(
                    "{}  supply {}  unsold in custody {}  sold {}  trading closes at {}",
                    v["denom"].as_str().unwrap_or(""),
                    v["supply"].as_str().unwrap_or("0"),
                    v["unsold_in_custody"].as_str().unwrap_or("0"),
                    v["sold"].as_str().unwrap_or("0"),
                    v["trading_closes_at"]
                )
            });
        }
    }
    Ok(())
}
