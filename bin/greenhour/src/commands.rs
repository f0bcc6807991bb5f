//! Subcommands other than benchmarks.

use crate::context::{home_of, is_rejection, resolve, submit_actions};
use crate::home::{self, DEMO_NAMES};
use crate::keyring::Keyring;
use crate::output::print;
use crate::Cli;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use greenhour_app::rpc::BroadcastMode;
use greenhour_client::{RpcClient, Wallet};
use greenhour_consensus::Clock;
use greenhour_crypto::SecretKey;
use greenhour_node::config::HomeLayout;
use greenhour_node::{Node, NodeConfig};
use greenhour_primitives::{Coin, Hash};
use std::io::Read;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Args)]
pub struct DevnetArgs {
    /// Listen address of the RPC server.
    #[arg(long, default_value = "127.0.0.1:26657")]
    pub rpc: String,
    /// Milliseconds between blocks.
    #[arg(long, default_value_t = 1000)]
    pub block_ms: u64,
    /// Run on a simulated clock: each block advances chain time by this many seconds
    /// (default with a fleet: 300, an hour every 12 blocks).
    #[arg(long)]
    pub sim_seconds_per_block: Option<u64>,
    /// Run on the wall clock even with a fleet.
    #[arg(long, conflicts_with = "sim_seconds_per_block")]
    pub real_clock: bool,
    #[arg(long, default_value = "greenhour-devnet")]
    pub chain_id: String,
    /// Simulated devices on real weather (0: the chain alone).
    #[arg(long, default_value_t = 50)]
    pub devices: usize,
    /// Stop after this many simulated hours and print a summary.
    #[arg(long)]
    pub hours: Option<u64>,
    /// Start the simulated clock here instead of now (RFC 3339, e.g.
    /// 2026-06-21T06:00:00Z for a summer morning); a new home only.
    #[arg(long, conflicts_with = "real_clock")]
    pub start: Option<String>,
}

#[derive(Args)]
pub struct InitArgs {
    #[arg(long, default_value = "greenhour-1")]
    pub chain_id: String,
    /// Keys to create (if missing) and fund at genesis; repeatable.
    #[arg(long = "account", default_value = "operator")]
    pub accounts: Vec<String>,
    #[arg(long, default_value = "127.0.0.1:26657")]
    pub rpc: String,
}

#[derive(Subcommand)]
pub enum NodeCommand {
    /// Run the node of the home folder until Ctrl-C.
    Start,
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a new random key.
    New { name: String },
    /// List keys.
    List,
    /// Show a key's address and public key.
    Show {
        name: String,
        /// Also print the secret key (hex).
        #[arg(long)]
        reveal: bool,
    },
    /// Import a secret key (64 hex characters) read from standard input.
    Import { name: String },
}

#[derive(Subcommand)]
pub enum TxCommand {
    /// Send coins: `greenhour tx send --from alice --to bob 1000ughr,5ugusd`.
    Send {
        /// Key name of the sender.
        #[arg(long)]
        from: String,
        /// Recipient address, or a key name.
        #[arg(long)]
        to: String,
        /// Comma-separated coins, e.g. 1000ughr,5ugusd.
        amount: String,
        /// Fee in ughr (default: the chain minimum).
        #[arg(long)]
        fee: Option<u128>,
        #[arg(long, default_value = "")]
        memo: String,
        /// Return after admission to the mempool instead of after commit.
        #[arg(long)]
        no_wait: bool,
    },
}

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Register a device owned by --from. Its telemetry key is the keyring key
    /// --device-key (created if missing).
    Register {
        #[arg(long)]
        from: String,
        #[arg(long)]
        device_key: String,
        /// home | regional | datacentre | btc_miner
        #[arg(long, default_value = "home")]
        class: String,
        /// Geohash cell, e.g. u33dc0.
        #[arg(long)]
        cell: String,
        #[arg(long, default_value_t = 0)]
        pv_w: u64,
        #[arg(long, default_value_t = 0)]
        battery_wh: u64,
        #[arg(long, default_value_t = 0)]
        battery_max_w: u64,
        #[arg(long, default_value_t = 0)]
        charger_w: u64,
        #[arg(long, default_value = "")]
        gpu_model: String,
        #[arg(long, default_value_t = 0)]
        gpu_count: u32,
        #[arg(long, default_value_t = 0)]
        gpu_tdp_w: u32,
    },
    /// Sign telemetry reports (a JSON report or list, from --file or `-` for stdin)
    /// with the device key and submit them, relayed and paid for by --from.
    Report {
        #[arg(long)]
        from: String,
        #[arg(long)]
        device_key: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// Print a day of plausible hourly telemetry for a registered device, as JSON for
    /// `device report --file`: PV from its nameplate on the Greensboro TMY3 weather
    /// of the chain's date, GPUs busy while the sun is up, the battery taking the
    /// surplus and covering the evening, the grid the rest. It starts where the
    /// device's last report ended (or --hours before the chain's last whole hour).
    SampleDay {
        #[arg(long)]
        device: u64,
        /// Hours to cover; without it, every whole hour since the device's last
        /// report (24 for a device that never reported, at most 168).
        #[arg(long)]
        hours: Option<u64>,
    },
    /// A device and, with --reports, its telemetry.
    Show {
        id: u64,
        #[arg(long)]
        reports: bool,
    },
    /// Registered devices (of one owner with --owner).
    List {
        #[arg(long)]
        owner: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum NftCommand {
    /// A token: `greenhour nft show position 3`.
    Show { class: String, serial: u64 },
    /// Tokens of an address or key name.
    List { owner: String },
    /// Move a token you own (or are approved for).
    Transfer {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        class: String,
        serial: u64,
    },
}

#[derive(Subcommand)]
pub enum OracleCommand {
    /// A feed, its latest value and the open round.
    Show { feed: String },
    /// Report a value for the feed's open round (reporters only).
    Submit {
        #[arg(long)]
        from: String,
        feed: String,
        #[arg(allow_hyphen_values = true)]
        value: i128,
    },
}

#[derive(Subcommand)]
pub enum QueryCommand {
    /// Chain id, height, hashes.
    Status,
    /// A block (latest when no height is given).
    Block { height: Option<u64> },
    /// A transaction by hash.
    Tx { hash: String },
    /// Balances of an address or key name.
    Balance { who: String },
    /// Nonce and balances of an address or key name.
    Account { who: String },
    /// Total supply per denom.
    Supply,
    /// A state value with its Merkle proof, verified against the app hash of a
    /// header the light client accepted: from a trusted header (the genesis header
    /// by default, or --trust-height with --trust-hash) every header up to the
    /// proof's height must carry a commit certificate of more than 2/3 of the set
    /// its predecessor announced.
    Proof {
        key: String,
        /// The height whose state to prove (default: the latest).
        #[arg(long)]
        height: Option<u64>,
        /// A header you trust out of band (a checkpoint); with --trust-hash.
        #[arg(long, requires = "trust_hash")]
        trust_height: Option<u64>,
        /// The hash header --trust-height must have.
        #[arg(long, requires = "trust_height")]
        trust_hash: Option<String>,
    },
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn parse_coins(s: &str) -> Result<Vec<Coin>> {
    s.split(',').map(|c| c.trim().parse::<Coin>().map_err(|e| anyhow::anyhow!("{e}"))).collect()
}

pub async fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        crate::Command::Devnet(a) => devnet(&cli, a).await,
        crate::Command::Init(a) => {
            let root = home_of(&cli);
            let config = NodeConfig { rpc_listen: a.rpc.clone(), ..Default::default() };
            let genesis = home::init(&root, &a.chain_id, &a.accounts, false, &config, now())?;
            print(cli.json, &serde_json::json!({"home": root, "chain_id": genesis.chain_id}), || {
                format!(
                    "initialised {} for chain {} ({} funded account(s))",
                    root.display(),
                    genesis.chain_id,
                    a.accounts.len()
                )
            });
            Ok(())
        }
        crate::Command::Node(NodeCommand::Start) => {
            let root = home_of(&cli);
            let (config, genesis) = home::load(&root)?;
            let running = Node::start(config, &HomeLayout::new(&root), &genesis).await?;
            tracing::info!(rpc = %running.rpc_addr, chain = %genesis.chain_id, "node started");
            println!("node listening on http://{}", running.rpc_addr);
            running.run_until_signal().await?;
            Ok(())
        }
        crate::Command::Testnet(t) => crate::testnet::run(t, cli.home.as_deref(), now()),
        crate::Command::Keys(k) => keys(&cli, k),
        crate::Command::Tx(t) => tx(&cli, t).await,
        crate::Command::Query(q) => query(&cli, q).await,
        crate::Command::Device(d) => device(&cli, d).await,
        crate::Command::Nft(n) => nft(&cli, n).await,
        crate::Command::Pool(p) => crate::pool::run(&cli, p).await,
        crate::Command::Market(m) => crate::market::run(&cli, m).await,
        crate::Command::Index(i) => crate::market::run_index(&cli, i).await,
        crate::Command::Lend(l) => crate::lend::run(&cli, l).await,
        crate::Command::Vault(v) => crate::vault::run_vault(&cli, v).await,
        crate::Command::Stable(s) => crate::vault::run_stable(&cli, s).await,
        crate::Command::Gov(g) => crate::gov::run(&cli, g).await,
        crate::Command::Rwa(r) => crate::rwa::run(&cli, r).await,
        crate::Command::Kyc(k) => crate::rwa::run_kyc(&cli, k).await,
        crate::Command::Fund(f) => crate::fund::run(&cli, f).await,
        crate::Command::Cover(c) => crate::cover::run(&cli, c).await,
        crate::Command::Futures(c) => crate::derivatives::run_futures(&cli, c).await,
        crate::Command::Perp(c) => crate::derivatives::run_perp(&cli, c).await,
        crate::Command::Option(c) => crate::derivatives::run_option(&cli, c).await,
        crate::Command::Trs(c) => crate::derivatives::run_trs(&cli, c).await,
        crate::Command::Job(j) => crate::jobs::run(&cli, j).await,
        crate::Command::Cert(c) => crate::carbon::cert(&cli, c).await,
        crate::Command::Staking(s) => crate::staking::run(&cli, s).await,
        crate::Command::Credit(c) => crate::carbon::credit(&cli, c).await,
        crate::Command::Worker(w) => crate::jobs::run_worker(&cli, w).await,
        crate::Command::Agent(a) => crate::agent::run(&cli, a).await,
        crate::Command::Sim { devices, hours } => crate::fleet::run(&cli, &cli.node, *devices, *hours).await,
        crate::Command::Scheduler(s) => crate::jobs::run_scheduler(&cli, s).await,
        crate::Command::Oracle(o) => oracle(&cli, o).await,
        crate::Command::Bench(b) => {
            let report = greenhour_bench::run(b).await?;
            print(cli.json, &report.json, || report.text.clone());
            Ok(())
        }
    }
}

async fn devnet(cli: &Cli, a: &DevnetArgs) -> Result<()> {
    let temp;
    let root = match &cli.home {
        Some(h) => h.clone(),
        None => {
            temp = tempfile::Builder::new().prefix("greenhour-devnet-").tempdir()?;
            temp.path().to_path_buf()
        }
    };
    let home = HomeLayout::new(&root);
    if !home.genesis().exists() {
        let clock = match a.sim_seconds_per_block {
            Some(0) => bail!("--sim-seconds-per-block must be at least 1"),
            Some(s) => Clock::Simulated { seconds_per_block: s },
            None if a.devices > 0 && !a.real_clock => Clock::Simulated { seconds_per_block: 300 },
            None => Clock::Real,
        };
        let mut config = NodeConfig { rpc_listen: a.rpc.clone(), ..Default::default() };
        config.solo.block_interval_ms = a.block_ms;
        config.solo.clock = clock;
        config.faucet = Some(greenhour_node::faucet::FaucetConfig::devnet());
        let genesis_time = match &a.start {
            None => now(),
            Some(text) => {
                if !matches!(clock, Clock::Simulated { .. }) {
                    bail!("--start needs a simulated clock (a fleet, or --sim-seconds-per-block)");
                }
                let t = chrono::DateTime::parse_from_rfc3339(text)
                    .with_context(|| format!("--start {text:?}: expected RFC 3339, e.g. 2026-06-21T06:00:00Z"))?;
                u64::try_from(t.timestamp()).map_err(|_| anyhow::anyhow!("--start {text:?} is before 1970"))?
            }
        };
        let names: Vec<String> = DEMO_NAMES.iter().map(|s| s.to_string()).collect();
        home::init(&root, &a.chain_id, &names, true, &config, genesis_time)?;
    } else if a.start.is_some() {
        bail!("--start only applies to a new home; {} already has a genesis", root.display());
    }
    let (mut config, genesis) = home::load(&root)?;
    // The flags of this run win over a reused home's config (the port may be taken now).
    config.rpc_listen = a.rpc.clone();
    config.solo.block_interval_ms = a.block_ms;
    let running = Node::start(config, &home, &genesis).await?;
    let url = format!("http://{}", running.rpc_addr);
    let keyring = Keyring::new(&home.keys());
    if cli.json {
        let keys = keyring.list()?;
        println!(
            "{}",
            serde_json::json!({"chain_id": genesis.chain_id, "home": root, "rpc": url, "dashboard": format!("{url}/"), "accounts": keys})
        );
    } else {
        println!("Greenhour devnet — chain {} — home {}", genesis.chain_id, root.display());
        if greenhour_node::dashboard::available() {
            println!("  Dashboard {url}/  (open it in a browser: the fleet live, the market, jobs, finance)");
        }
        println!("  RPC       {url}  (JSON-RPC 2.0: POST /; REST: {url}/status)");
        println!("  WebSocket {}/ws", url.replacen("http", "ws", 1));
        println!("  OpenAPI   {url}/openapi.json     Metrics {url}/metrics");
        println!("  Demo accounts (keys derive from their names: devnet only), 1,000,000 GHR and 1,000,000 gUSD each (gCO2 exists only against pooled carbon credits):");
        for k in keyring.list()? {
            println!("    {:<6} {}", k.name, k.address);
        }
        println!("  Try, in another shell (use `cargo run --release --` in place of `greenhour` from a clone):");
        println!("    export GREENHOUR_HOME={} GREENHOUR_NODE={url}", root.display());
        println!("    greenhour tx send --from alice --to bob 2500000ughr");
        println!("    greenhour query balance bob");
        println!("    greenhour pool show            # pools to join after a day of device telemetry (see README)");
        println!("Producing a block every {} ms; Ctrl-C to stop.", a.block_ms);
    }
    if a.devices == 0 {
        running.run_until_signal().await?;
        return Ok(());
    }
    let fleet = crate::fleet::run(cli, &url, a.devices, a.hours);
    // The devnet stops with its chain: a failed block or a scheduled upgrade's height.
    if let Some(r) = running.run_beside(fleet).await? {
        r?;
    }
    Ok(())
}

fn keys(cli: &Cli, k: &KeysCommand) -> Result<()> {
    let keyring = Keyring::new(&HomeLayout::new(home_of(cli)).keys());
    match k {
        KeysCommand::New { name } => {
            let info = keyring.add(name, &SecretKey::generate())?;
            print(cli.json, &info, || format!("created key {} with address {}", info.name, info.address));
        }
        KeysCommand::List => {
            let list = keyring.list()?;
            print(cli.json, &list, || {
                if list.is_empty() {
                    "no keys".to_string()
                } else {
                    list.iter().map(|k| format!("{:<16} {}", k.name, k.address)).collect::<Vec<_>>().join("\n")
                }
            });
        }
        KeysCommand::Show { name, reveal } => {
            let key = keyring.get(name)?;
            let mut v = serde_json::json!({"name": name, "address": key.address(), "public_key": key.public_key()});
            if *reveal {
                v["secret_key"] = serde_json::json!(key.to_hex());
            }
            print(cli.json, &v, || {
                let mut s =
                    format!("name        {name}\naddress     {}\npublic key  {}", key.address(), key.public_key());
                if *reveal {
                    s.push_str(&format!("\nsecret key  {}", key.to_hex()));
                }
                s
            });
        }
        KeysCommand::Import { name } => {
            let mut secret = String::new();
            std::io::stdin().read_to_string(&mut secret).context("reading the secret key from standard input")?;
            let key = SecretKey::from_hex(secret.trim()).map_err(|e| anyhow::anyhow!("invalid secret key: {e}"))?;
            let info = keyring.add(name, &key)?;
            print(cli.json, &info, || format!("imported key {} with address {}", info.name, info.address));
        }
    }
    Ok(())
}

async fn tx(cli: &Cli, t: &TxCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match t {
        TxCommand::Send { from, to, amount, fee, memo, no_wait } => {
            let key = Keyring::new(&HomeLayout::new(home_of(cli)).keys()).get(from)?;
            let to = resolve(cli, to)?;
            let coins = parse_coins(amount)?;
            let status = client.status().await?;
            let chain_id = status.chain_id.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut wallet = Wallet::new(key, chain_id, fee.unwrap_or(status.min_fee));
            let tx = wallet
                .sign(
                    &client,
                    vec![greenhour_app::AppAction::Bank(greenhour_bank::BankAction::Send { to, coins })],
                    memo,
                )
                .await?;
            let mode = if *no_wait { BroadcastMode::Sync } else { BroadcastMode::Commit };
            let result = client.broadcast(&tx, mode).await?;
            print(cli.json, &result, || match &result.committed {
                Some(r) => format!("committed {} at height {}", result.hash, r.height),
                None => format!("accepted {} into the mempool", result.hash),
            });
        }
    }
    Ok(())
}

async fn device(cli: &Cli, d: &DeviceCommand) -> Result<()> {
    use greenhour_devices::{DevicesAction, LocationCell, Nameplate, TelemetryReport};
    let client = RpcClient::new(&cli.node);
    let keyring = Keyring::new(&HomeLayout::new(home_of(cli)).keys());
    match d {
        DeviceCommand::Register {
            from,
            device_key,
            class,
            cell,
            pv_w,
            battery_wh,
            battery_max_w,
            charger_w,
            gpu_model,
            gpu_count,
            gpu_tdp_w,
        } => {
            let key = match keyring.get(device_key) {
                Ok(k) => k,
                Err(_) => {
                    let k = SecretKey::generate();
                    keyring.add(device_key, &k)?;
                    k
                }
            };
            let class = serde_json::from_value(serde_json::json!(class))
                .map_err(|_| anyhow::anyhow!("class {class:?} is not home, regional, datacentre or btc_miner"))?;
            let cell = LocationCell::new(cell.clone()).map_err(|e| anyhow::anyhow!("{e}"))?;
            let nameplate = Nameplate {
                pv_w: *pv_w,
                battery_wh: *battery_wh,
                battery_max_w: *battery_max_w,
                charger_w: *charger_w,
                gpu_model: gpu_model.clone(),
                gpu_count: *gpu_count,
                gpu_tdp_w: *gpu_tdp_w,
            };
            let action = DevicesAction::Register { key: key.public_key(), class, cell, nameplate };
            let done = submit_actions(cli, from, vec![greenhour_app::AppAction::Devices(action)]).await?;
            let owner = keyring.info(from)?.address;
            let devices = client.devices(Some(&owner)).await?;
            let device = devices.into_iter().find(|x| x.key == key.public_key());
            print(cli.json, &device, || match &device {
                Some(x) => format!("{}\nregistered device {} (telemetry key {device_key})", done.join("\n"), x.id),
                None => done.join("\n"),
            });
        }
        DeviceCommand::Report { from, device_key, file } => {
            let text = if file.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                s
            } else {
                std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?
            };
            let reports: Vec<TelemetryReport> = match serde_json::from_str::<Vec<TelemetryReport>>(&text) {
                Ok(list) => list,
                Err(_) => vec![serde_json::from_str(&text).context("expected a telemetry report or a list of them")?],
            };
            let key = keyring.get(device_key)?;
            let chain_id = client.status().await?.chain_id.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let actions = reports
                .into_iter()
                .map(|report| {
                    let signature = report.sign(&key, &chain_id);
                    greenhour_app::AppAction::Devices(DevicesAction::Report { report, signature })
                })
                .collect();
            let done = submit_actions(cli, from, actions).await?;
            print(cli.json, &done, || done.join("\n"));
        }
        DeviceCommand::SampleDay { device, hours } => {
            if hours.is_some_and(|h| h == 0 || h > 24 * 7) {
                bail!("--hours must be 1 to 168");
            }
            let d = client.device(*device).await?;
            let now_hour = client.status().await?.latest_block_time / 3_600;
            // A report must not start before the last one ended: round a partial hour up.
            let resume = d.last_report_end.map(|end| end.div_ceil(3_600));
            let hours = match (*hours, resume) {
                (Some(h), _) => h,
                (None, None) => 24,
                (None, Some(first)) => now_hour.saturating_sub(first).clamp(1, 24 * 7),
            };
            let first = resume.unwrap_or(now_hour.saturating_sub(hours));
            // A device silent for over a week resumes with the last week.
            let first = first.max(now_hour.saturating_sub(24 * 7));
            if first + hours > now_hour {
                bail!(
                    "device {device} has reported up to hour {first}; the chain's last whole hour is {now_hour}: \
                     wait for {} more hour(s) of chain time",
                    first + hours - now_hour
                );
            }
            let site = greenhour_energy::data::weather(
                greenhour_energy::data::embedded::GREENSBORO.0,
                greenhour_energy::data::embedded::GREENSBORO.1,
            )?;
            let profile = greenhour_sim::physics::SiteProfile::compute(&site)?;
            let reports = sample_day(&d, &profile, first, hours);
            println!("{}", serde_json::to_string_pretty(&reports)?);
        }
        DeviceCommand::Show { id, reports } => {
            let device = client.device(*id).await?;
            let list = if *reports { client.device_reports(*id, 0).await? } else { Vec::new() };
            print(cli.json, &serde_json::json!({"device": device, "reports": list}), || {
                let n = &device.nameplate;
                let mut s = format!(
                    "device {} ({:?}, {:?}) owner {}\ncell {}  PV {} W  battery {} Wh / {} W  GPUs {} × {} ({} W)\nreports {}  last report end {:?}",
                    device.id, device.class, device.status, device.owner, device.cell.as_str(), n.pv_w, n.battery_wh,
                    n.battery_max_w, n.gpu_count, n.gpu_model, n.gpu_tdp_w, device.reports, device.last_report_end
                );
                for r in &list {
                    s.push_str(&format!(
                        "\n  [{}, {}) PV {} Wh  compute {} Wh  green {:.2} %",
                        r.report.start,
                        r.report.end,
                        r.report.generated_wh,
                        r.report.compute_wh,
                        r.green_share_bps as f64 / 100.0
                    ));
                }
                s
            });
        }
        DeviceCommand::List { owner } => {
            let owner = owner.as_deref().map(|o| resolve(cli, o)).transpose()?;
            let list = client.devices(owner.as_ref()).await?;
            print(cli.json, &list, || {
                if list.is_empty() {
                    "no devices".into()
                } else {
                    list.iter()
                        .map(|x| {
                            format!(
                                "{:>6}  {:?}  {:<12} {:?}  owner {}",
                                x.id,
                                x.class,
                                x.cell.as_str(),
                                x.status,
                                x.owner
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            });
        }
    }
    Ok(())
}

async fn nft(cli: &Cli, n: &NftCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let describe = |t: &greenhour_nft::Token| {
        let attrs: Vec<String> = t.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}  owner {}  {}", t.id, t.owner, attrs.join(" "))
    };
    match n {
        NftCommand::Show { class, serial } => {
            let t = client.nft(class, *serial).await?;
            print(cli.json, &t, || describe(&t));
        }
        NftCommand::List { owner } => {
            let list = client.nfts(&resolve(cli, owner)?).await?;
            print(cli.json, &list, || {
                if list.is_empty() {
                    "no tokens".into()
                } else {
                    list.iter().map(describe).collect::<Vec<_>>().join("\n")
                }
            });
        }
        NftCommand::Transfer { from, to, class, serial } => {
            let id = greenhour_nft::TokenId { class: class.clone(), serial: *serial };
            let to = resolve(cli, to)?;
            let action = greenhour_app::AppAction::Nft(greenhour_nft::NftAction::Transfer { id, to });
            let done = submit_actions(cli, from, vec![action]).await?;
            print(cli.json, &done, || done.join("\n"));
        }
    }
    Ok(())
}

async fn oracle(cli: &Cli, o: &OracleCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match o {
        OracleCommand::Show { feed } => {
            let v = client.oracle(feed).await?;
            print(cli.json, &v, || {
                let latest = match v["latest"].as_object() {
                    Some(l) => format!(
                        "{} (round {}, time {}, spread {}..{})",
                        l["value"].as_str().unwrap_or("?"),
                        l["round"],
                        l["time"],
                        l["min"].as_str().unwrap_or("?"),
                        l["max"].as_str().unwrap_or("?")
                    ),
                    None => "no value yet".into(),
                };
                format!(
                    "feed {} [{}]  quorum {} of {}  max age {} s\nlatest {latest}\nopen round {} with {} report(s)",
                    v["feed"]["name"].as_str().unwrap_or(""),
                    v["feed"]["unit"].as_str().unwrap_or(""),
                    v["feed"]["quorum"],
                    v["feed"]["reporters"].as_array().map(Vec::len).unwrap_or(0),
                    v["feed"]["max_age"],
                    v["feed"]["round"],
                    v["open_reports"].as_array().map(Vec::len).unwrap_or(0)
                )
            });
        }
        OracleCommand::Submit { from, feed, value } => {
            // A report names its round so that it cannot count toward a later one; when the
            // other reporters close the round between our read and our commit, the report
            // is refused (oracle/3) and nothing changed, so it is made again for the new round.
            let round_closed = greenhour_oracle::OracleError::WrongRound { feed: feed.clone(), open: 0, got: 0 };
            let mut attempts = 0;
            let done = loop {
                let round = client.oracle(feed).await?["feed"]["round"].as_u64().context("feed without a round")?;
                let action = greenhour_app::AppAction::Oracle(greenhour_oracle::OracleAction::Submit {
                    feed: feed.clone(),
                    round,
                    value: *value,
                });
                attempts += 1;
                match submit_actions(cli, from, vec![action]).await {
                    Err(e) if attempts < 5 && is_rejection(&e, &round_closed) => continue,
                    other => break other?,
                }
            };
            print(cli.json, &done, || done.join("\n"));
        }
    }
    Ok(())
}

async fn query(cli: &Cli, q: &QueryCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match q {
        QueryCommand::Status => {
            let s = client.status().await?;
            print(cli.json, &s, || {
                format!(
                    "chain {}  height {}  time {}\nblock {}\napp   {}\nmempool {} tx(s), min fee {}ughr",
                    s.chain_id,
                    s.height,
                    s.latest_block_time,
                    s.latest_block_hash,
                    s.latest_app_hash,
                    s.mempool_size,
                    s.min_fee
                )
            });
        }
        QueryCommand::Block { height } => {
            let b = client.block(*height).await?;
            print(cli.json, &b, || {
                let h = &b.block.header;
                let mut s = format!(
                    "block {} ({})\ntime {}  txs {}\nprev {}\napp  {}",
                    h.height,
                    b.hash,
                    h.time,
                    b.block.txs.len(),
                    h.prev_hash,
                    h.app_hash
                );
                for tx in &b.block.txs {
                    s.push_str(&format!("\n  tx {} from {}", tx.hash(), tx.signer_address()));
                }
                s
            });
        }
        QueryCommand::Tx { hash } => {
            let hash: Hash = hash.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let t = client.tx(&hash).await?;
            print(cli.json, &t, || {
                let mut s = format!(
                    "tx {} at height {} index {}\nsigner {} nonce {} fee {}ughr",
                    t.record.hash,
                    t.record.height,
                    t.record.index,
                    t.tx.signer_address(),
                    t.tx.body.nonce,
                    t.tx.body.fee
                );
                for e in &t.record.events {
                    let attrs: Vec<String> = e.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    s.push_str(&format!("\n  {} {}", e.kind, attrs.join(" ")));
                }
                s
            });
        }
        QueryCommand::Balance { who } => {
            let a = client.account(&resolve(cli, who)?).await?;
            print(cli.json, &a.balances, || {
                if a.balances.is_empty() {
                    format!("{} holds nothing", a.address)
                } else {
                    a.balances.iter().map(|c| format!("{:>28} {}", c.amount, c.denom)).collect::<Vec<_>>().join("\n")
                }
            });
        }
        QueryCommand::Account { who } => {
            let a = client.account(&resolve(cli, who)?).await?;
            print(cli.json, &a, || {
                let coins: Vec<String> = a.balances.iter().map(|c| c.to_string()).collect();
                format!(
                    "address {}\nnonce   {} (next to sign: {})\nbalance {}",
                    a.address,
                    a.nonce,
                    a.pending_nonce,
                    coins.join(", ")
                )
            });
        }
        QueryCommand::Supply => {
            let s = client.supply().await?;
            print(cli.json, &s, || {
                s.supply.iter().map(|c| format!("{:>28} {}", c.amount, c.denom)).collect::<Vec<_>>().join("\n")
            });
        }
        QueryCommand::Proof { key, height, trust_height, trust_hash } => {
            let proven = prove(&client, key, *height, *trust_height, trust_hash.as_deref()).await?;
            print(cli.json, &proven, || {
                let p = &proven.proof;
                let value = match &p.value {
                    Some(v) => format!("present, {} bytes: {}", v.len(), hex::encode(v)),
                    None => "absent".into(),
                };
                format!(
                    "key {key} at height {}: {value}\napp hash {} — proof verified against header {}\n\
                     trusted header {} ({}, {}); {} headers followed, {} commit certificates checked",
                    p.version,
                    p.root,
                    p.version,
                    proven.trusted_height,
                    proven.trusted_hash,
                    proven.trusted_because,
                    proven.headers_followed,
                    proven.certificates_checked,
                )
            });
        }
    }
    Ok(())
}

/// A state proof checked against a header the light client accepted, and what
/// that acceptance rests on.
#[derive(serde::Serialize)]
struct ProvenState {
    proof: greenhour_state::StateProof,
    trusted_height: u64,
    trusted_hash: Hash,
    /// Why the start was trusted: a hash given out of band, or the node's genesis header.
    trusted_because: &'static str,
    headers_followed: u64,
    certificates_checked: u64,
}

async fn prove(
    client: &RpcClient,
    key: &str,
    height: Option<u64>,
    trust_height: Option<u64>,
    trust_hash: Option<&str>,
) -> Result<ProvenState> {
    let chain_id = client.status().await?.chain_id.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = trust_hash.map(|h| h.parse::<Hash>().map_err(|e| anyhow::anyhow!("--trust-hash: {e}"))).transpose()?;
    let start = trust_height.unwrap_or(0);
    let target = match height {
        Some(h) => h,
        None => client.block(None).await?.block.header.height,
    };
    if target < start {
        bail!("height {target} is before the trusted header {start}; a light client only walks forward");
    }
    let mut light = client.light_client_at(&chain_id, start, hash).await?;
    let trusted_hash = light.trusted().hash;
    let certificates_checked = client.follow_headers(&mut light, target).await?;
    let proof = client.proven_state(&light, key).await?;
    Ok(ProvenState {
        proof,
        trusted_height: start,
        trusted_hash,
        trusted_because: if hash.is_some() { "the hash you gave" } else { "the genesis header as the node serves it" },
        headers_followed: target - start,
        certificates_checked,
    })
}

/// `hours` hourly reports of device `d` from UTC hour `first`: what
/// `device sample-day` prints. Integer Wh; every report balances and stays within
/// the nameplate, and the first declares an outage if the device was silent before.
fn sample_day(
    d: &greenhour_devices::Device,
    site: &greenhour_sim::physics::SiteProfile,
    first: u64,
    hours: u64,
) -> Vec<greenhour_devices::TelemetryReport> {
    let n = &d.nameplate;
    let capacity = n.battery_wh;
    let mut soc = capacity / 2;
    (first..first + hours)
        .map(|hour| {
            // PV from the typical year's weather, never above the nameplate.
            let pv = (site.pv_wh_per_kwp[site.hour_of_year(hour)] * n.pv_w as f64 / 1_000.0).max(0.0) as u64;
            let pv = pv.min(n.pv_w);
            let busy = pv > 0;
            let gpus = if busy { n.gpu_count as u64 } else { 0 };
            let compute = gpus * n.gpu_tdp_w as u64;
            let (mut charged, mut discharged, mut imported, mut exported) = (0, 0, 0, 0);
            if pv >= compute {
                charged = (pv - compute).min(n.battery_max_w).min(capacity - soc);
                exported = pv - compute - charged;
            } else {
                discharged = (compute - pv).min(n.battery_max_w).min(soc);
                imported = compute - pv - discharged;
            }
            soc = soc + charged - discharged;
            greenhour_devices::TelemetryReport {
                device: d.id,
                start: hour * 3_600,
                end: (hour + 1) * 3_600,
                generated_wh: pv,
                charged_wh: charged,
                discharged_wh: discharged,
                imported_wh: imported,
                exported_wh: exported,
                compute_wh: compute,
                gpu_seconds: gpus * 3_600,
                soc_permille: (soc * 1_000).checked_div(capacity).unwrap_or(0) as u16,
                outage_before: hour == first && d.last_report_end.is_some_and(|end| end < hour * 3_600),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sample_day;
    use greenhour_devices::{
        math, Device, DeviceClass, DeviceId, DeviceStatus, DevicesParams, LocationCell, Nameplate,
    };
    use greenhour_energy::data::{self, embedded};

    /// Every sample report passes the chain's nameplate and balance checks, the
    /// hours are contiguous, and only a silent device's first report declares an outage.
    #[test]
    fn a_sample_day_passes_the_chains_checks() {
        let site = data::weather(embedded::GREENSBORO.0, embedded::GREENSBORO.1).unwrap();
        let profile = greenhour_sim::physics::SiteProfile::compute(&site).unwrap();
        let params = DevicesParams::default();
        for (pv_w, battery_wh, battery_max_w) in [(5_000, 10_000, 5_000), (8_000, 0, 0), (0, 13_500, 3_000)] {
            let device = Device {
                id: DeviceId(7),
                owner: greenhour_primitives::Address([1; 20]),
                key: greenhour_crypto::SecretKey::from_name("sample").public_key(),
                class: DeviceClass::Home,
                cell: LocationCell::new("u33dc0".to_string()).unwrap(),
                nameplate: Nameplate {
                    pv_w,
                    battery_wh,
                    battery_max_w,
                    charger_w: 0,
                    gpu_model: "RTX 4090".into(),
                    gpu_count: 2,
                    gpu_tdp_w: 450,
                },
                status: DeviceStatus::Active,
                registered_at: 1,
                last_report_end: Some(490_000 * 3_600),
                reports: 1,
                charged_wh: 0,
                charged_from_pv_wh: 0,
                totals: Default::default(),
            };
            // A summer day and a winter day, a gap before the first.
            for first in [490_010u64, 494_000] {
                let reports = sample_day(&device, &profile, first, 24);
                assert_eq!(reports.len(), 24);
                let n = &device.nameplate;
                let tol = params.nameplate_tolerance_permille;
                for (i, r) in reports.iter().enumerate() {
                    assert_eq!(r.start, (first + i as u64) * 3_600);
                    assert_eq!(r.end - r.start, 3_600);
                    assert!(math::within_rating(r.generated_wh, n.pv_w, 3_600, tol), "{r:?}");
                    assert!(math::within_rating(r.charged_wh, n.battery_max_w, 3_600, tol), "{r:?}");
                    assert!(math::within_rating(r.discharged_wh, n.battery_max_w, 3_600, tol), "{r:?}");
                    assert!(math::within_rating(r.compute_wh, 900, 3_600, tol), "{r:?}");
                    assert!(math::balanced(r, params.balance_tolerance_permille), "{r:?}");
                    assert_eq!(r.outage_before, i == 0, "{r:?}");
                }
                if pv_w > 0 {
                    assert!(reports.iter().any(|r| r.generated_wh > 0), "the sun rises in {first}");
                }
            }
        }
    }
}
