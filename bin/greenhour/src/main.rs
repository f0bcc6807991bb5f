//! `greenhour`: one binary for the devnet, nodes, keys, transactions, queries and benchmarks.
// The devnet's hourly JSON line is one `json!` object with over sixty fields.
#![recursion_limit = "256"]

mod agent;
mod carbon;
mod commands;
mod context;
mod cover;
mod derivatives;
mod fleet;
mod fund;
mod gov;
mod home;
mod jobs;
use greenhour_node::keyring;
mod lend;
mod market;
mod output;
mod pool;
mod rwa;
mod staking;
mod testnet;
mod vault;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Greenhour: a ledger and marketplace for green GPU-hours.
#[derive(Parser)]
#[command(name = "greenhour", version, about, long_about = None)]
pub struct Cli {
    /// Home folder (config, genesis, data, keys).
    #[arg(long, global = true, env = "GREENHOUR_HOME")]
    pub home: Option<PathBuf>,
    /// Node RPC address for client commands.
    #[arg(long, global = true, env = "GREENHOUR_NODE", default_value = "http://127.0.0.1:26657")]
    pub node: String,
    /// Print JSON instead of human-readable text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Start a one-validator chain with funded demo accounts; runs until Ctrl-C.
    Devnet(commands::DevnetArgs),
    /// Write a home folder with config and genesis.
    Init(commands::InitArgs),
    /// Run a node.
    #[command(subcommand)]
    Node(commands::NodeCommand),
    /// A multi-validator network on this machine (Malachite BFT on loopback).
    #[command(subcommand)]
    Testnet(testnet::TestnetCommand),
    /// Manage local keys.
    #[command(subcommand)]
    Keys(commands::KeysCommand),
    /// Sign and broadcast transactions.
    #[command(subcommand)]
    Tx(commands::TxCommand),
    /// Register devices and submit their telemetry.
    #[command(subcommand)]
    Device(commands::DeviceCommand),
    /// Pools: create, join, pledge future hours, release slots, leave; positions and slot tokens.
    #[command(subcommand)]
    Pool(pool::PoolCommand),
    /// The hour-slot market: pools, quotes, swaps, liquidity.
    #[command(subcommand)]
    Market(market::MarketCommand),
    /// The Green Compute Index (GPU-hour prices from market fills).
    #[command(subcommand)]
    Index(market::IndexCommand),
    /// Lending markets: supply gUSD, borrow against GHR, carbon coin or position NFTs, liquidate.
    #[command(subcommand)]
    Lend(lend::LendCommand),
    /// gUSD vaults: open against GHR or carbon coin, mint, repay, close, redeem, liquidate.
    #[command(subcommand)]
    Vault(vault::VaultCommand),
    /// gUSD: the reserve report and the stability pool.
    #[command(subcommand)]
    Stable(vault::StableCommand),
    /// Governance: proposals, deposits, votes, parameters, the community pool, pauses.
    #[command(subcommand)]
    Gov(gov::GovCommand),
    /// RWA packages: position NFTs issued as tranches; subscribe, redeem, transfer, payouts.
    #[command(subcommand)]
    Rwa(rwa::RwaCommand),
    /// Identity claims (KYC) that packages' rules check.
    #[command(subcommand)]
    Kyc(rwa::KycCommand),
    /// Funds (ERC-4626 vaults) that buy RWA tranches: create, deposit, redeem, allocate, show.
    #[command(subcommand)]
    Fund(fund::FundCommand),
    /// Device-downtime cover: stake the pool, quote and buy cover, show the pool and covers.
    #[command(subcommand)]
    Cover(cover::CoverCommand),
    /// Cash-settled futures on the Green Compute Index: list, trade, margin account.
    #[command(subcommand)]
    Futures(derivatives::FuturesCommand),
    /// The perpetual on the index (hourly funding): list, trade, margin account.
    #[command(subcommand)]
    Perp(derivatives::PerpCommand),
    /// European cash-settled index options: list, write, buy, margin account.
    #[command(subcommand)]
    Option(derivatives::OptionCommand),
    /// Total return swaps on an index or an RWA tranche: list, trade, margin account.
    #[command(subcommand)]
    Trs(derivatives::TrsCommand),
    /// Compute demand contracts: post, show, list, cancel, challenge, SCI report.
    #[command(subcommand)]
    Job(jobs::JobCommand),
    /// Hourly energy certificates: issue, list, split, transfer, claim, match report, export.
    #[command(subcommand)]
    Cert(carbon::CertCommand),
    /// Carbon credits: bridge by serial, pool into the carbon coin, redeem, retire.
    #[command(subcommand)]
    Credit(carbon::CreditCommand),
    /// PoGCS staking: validators, delegations, device links, validator sets.
    #[command(subcommand)]
    Staking(staking::StakingCommand),
    /// The off-chain carbon-aware scheduler: plan open jobs and bid in the solver auction.
    #[command(subcommand)]
    Scheduler(jobs::SchedulerCommand),
    /// One device's long-running agent: telemetry, pledges from its energy manager, jobs, light verification.
    #[command(subcommand)]
    Agent(agent::AgentCommand),
    /// A device operator's job runner.
    #[command(subcommand)]
    Worker(jobs::WorkerCommand),
    /// Show and move NFTs (position NFTs, receipts).
    #[command(subcommand)]
    Nft(commands::NftCommand),
    /// Oracle feeds: show one, or report a value as a reporter.
    #[command(subcommand)]
    Oracle(commands::OracleCommand),
    /// Read chain state.
    #[command(subcommand)]
    Query(commands::QueryCommand),
    /// Run the simulated fleet (devices, market maker, buyer, jobs) against a running
    /// node (`--node`), e.g. a node started with `node start` on an accelerated clock.
    Sim {
        #[arg(long, default_value_t = 200)]
        devices: usize,
        /// Stop after this many simulated hours (default: until Ctrl-C).
        #[arg(long)]
        hours: Option<u64>,
    },
    /// Measure performance on this machine.
    #[command(subcommand)]
    Bench(greenhour_bench::BenchCommand),
}

fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("GREENHOUR_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    if let Err(e) = runtime.block_on(commands::run(cli)) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
