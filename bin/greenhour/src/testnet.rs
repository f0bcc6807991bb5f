//! `greenhour testnet init`: home folders for a multi-validator network on one
//! machine (Malachite on loopback), sharing one genesis.

use crate::home::{self, demo_validator_names};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use greenhour_consensus::MalachiteConfig;
use greenhour_node::config::HomeLayout;
use greenhour_node::NodeConfig;
use std::path::{Path, PathBuf};

/// Every validator dials every other and all share this machine's cores.
const MAX_VALIDATORS: usize = 32;

#[derive(Subcommand)]
pub enum TestnetCommand {
    /// Write `node0`, `node1`, … under `--out` (or `--home`): one validator each, with the
    /// devnet's demo accounts, peers dialled on loopback and transactions relayed
    /// between the nodes. Start each with `greenhour node start --home OUT/nodeI`.
    Init(TestnetInitArgs),
}

#[derive(Args)]
pub struct TestnetInitArgs {
    /// Folder that receives one home folder per validator (default: `--home`, or `./testnet`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Validators: the demo accounts alice, bob, carol and dave, then
    /// `validator4`, `validator5`, … (at most 32).
    #[arg(long, default_value_t = 4)]
    pub validators: usize,
    #[arg(long, default_value = "greenhour-testnet")]
    pub chain_id: String,
    /// RPC port of node0; node I listens on this + I.
    #[arg(long, default_value_t = 26657)]
    pub rpc_port: u16,
    /// libp2p port of node0; node I listens on this + I.
    #[arg(long, default_value_t = 27000)]
    pub p2p_port: u16,
    /// Least milliseconds between blocks (0: as fast as votes travel).
    #[arg(long, default_value_t = 1000)]
    pub block_ms: u64,
    /// Base propose timeout in milliseconds.
    #[arg(long, default_value_t = 3000)]
    pub timeout_propose_ms: u64,
}

pub fn run(command: &TestnetCommand, home: Option<&Path>, genesis_time: u64) -> Result<()> {
    match command {
        TestnetCommand::Init(args) => {
            let out = args.out.clone().or_else(|| home.map(Path::to_path_buf)).unwrap_or_else(|| "testnet".into());
            let homes = init(args, &out, genesis_time)?;
            let names = demo_validator_names(homes.len());
            for (i, home) in homes.iter().enumerate() {
                println!(
                    "node{i}: validator {}, rpc http://127.0.0.1:{}, home {}",
                    names[i],
                    args.rpc_port as usize + i,
                    home.display()
                );
            }
            println!("start each with: greenhour node start --home <home>");
            Ok(())
        }
    }
}

/// The node config of validator `i` of `n`.
fn node_config(args: &TestnetInitArgs, i: usize, n: usize) -> NodeConfig {
    let name = &demo_validator_names(n)[i];
    let p2p = |j: usize| format!("/ip4/127.0.0.1/tcp/{}", args.p2p_port as usize + j);
    let rpc = |j: usize| format!("http://127.0.0.1:{}", args.rpc_port as usize + j);
    let others = (0..n).filter(|j| *j != i);
    NodeConfig {
        rpc_listen: format!("127.0.0.1:{}", args.rpc_port as usize + i),
        malachite: Some(MalachiteConfig {
            moniker: format!("node{i}"),
            listen_addr: p2p(i),
            persistent_peers: others.clone().map(p2p).collect(),
            timeout_propose_ms: args.timeout_propose_ms,
            timeout_delta_ms: 500,
            block_interval_ms: args.block_ms,
            max_proposal_txs: 10_000,
            equivocate: false,
        }),
        validator_key: Some(format!("{name}-consensus")),
        relay_peers: others.map(rpc).collect(),
        // The validator's own operator account reports double signs it sees.
        evidence_reporter: Some(name.clone()),
        ..NodeConfig::default()
    }
}

/// Writes the homes and returns their paths.
pub fn init(args: &TestnetInitArgs, out: &Path, genesis_time: u64) -> Result<Vec<PathBuf>> {
    let n = args.validators;
    if n == 0 || n > MAX_VALIDATORS {
        bail!("--validators must be between 1 and {MAX_VALIDATORS}");
    }
    if args.rpc_port as usize + n > u16::MAX as usize || args.p2p_port as usize + n > u16::MAX as usize {
        bail!("--rpc-port and --p2p-port leave no room for {n} nodes");
    }
    let homes: Vec<PathBuf> = (0..n).map(|i| out.join(format!("node{i}"))).collect();
    let accounts = demo_validator_names(n);
    let first = &homes[0];
    home::init(first, &args.chain_id, &accounts, true, &node_config(args, 0, n), genesis_time)?;
    // `init` prepared a one-machine chain that signs its own certificates; here
    // certificates come from consensus, so each node keeps only its own key's role.
    for (i, root) in homes.iter().enumerate() {
        let layout = HomeLayout::new(root);
        if i > 0 {
            if layout.config().exists() || layout.genesis().exists() {
                bail!("{} already holds a config or genesis", root.display());
            }
            std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
            std::fs::copy(HomeLayout::new(first).genesis(), layout.genesis()).context("copying genesis.json")?;
            copy_dir(&HomeLayout::new(first).keys(), &layout.keys())?;
        }
        let config = node_config(args, i, n);
        std::fs::write(layout.config(), serde_json::to_string_pretty(&config)?).context("writing config.json")?;
    }
    Ok(homes)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))
            .with_context(|| format!("copying {}", entry.path().display()))?;
    }
    Ok(())
}
