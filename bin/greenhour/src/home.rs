//! Home folders: `init` and loading config + genesis.

use crate::keyring::Keyring;
use anyhow::{bail, Context, Result};
use greenhour_app::Genesis;
use greenhour_bank::GenesisBalance;
use greenhour_crypto::SecretKey;
use greenhour_node::config::HomeLayout;
use greenhour_node::NodeConfig;
use greenhour_primitives::{Amount, ChainId, Coin, Denom};
use std::path::Path;

/// GHR and gUSD each demo account starts with (in micro-units: 1,000,000 whole units).
pub const DEMO_FUNDS: Amount = 1_000_000_000_000;

/// Names of the devnet's demo accounts; their keys derive from these names, so
/// they are public: never use them on a real network.
pub const DEMO_NAMES: [&str; 4] = ["alice", "bob", "carol", "dave"];

/// Validators on a demo chain of `n`: the demo accounts first, then
/// `validator4`, `validator5`, … (keys derived from the names, like the demo's).
pub fn demo_validator_names(n: usize) -> Vec<String> {
    (0..n).map(|i| DEMO_NAMES.get(i).map_or_else(|| format!("validator{i}"), |name| name.to_string())).collect()
}

pub fn demo_coins() -> Vec<Coin> {
    // No gCO2: the carbon coin exists only against pooled credits.
    vec![Coin::ghr(DEMO_FUNDS), Coin::new(Denom::gusd(), DEMO_FUNDS)]
}

/// Writes config.json and genesis.json; `accounts` are keyring names to create (if missing) and fund.
pub fn init(
    root: &Path,
    chain_id: &str,
    accounts: &[String],
    demo_keys: bool,
    config: &NodeConfig,
    genesis_time: u64,
) -> Result<Genesis> {
    let home = HomeLayout::new(root);
    if home.genesis().exists() || home.config().exists() {
        bail!("{} already holds a config or genesis; choose another --home", root.display());
    }
    std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
    let chain_id = ChainId::new(chain_id).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut genesis = Genesis::new(chain_id, genesis_time);
    let keyring = Keyring::new(&home.keys());
    for name in accounts {
        let key = if demo_keys {
            SecretKey::from_name(name)
        } else {
            match keyring.get(name) {
                Ok(k) => k,
                Err(_) => SecretKey::generate(),
            }
        };
        if keyring.get(name).is_err() {
            keyring.add(name, &key)?;
        }
        genesis.bank.balances.push(GenesisBalance { address: key.address(), coins: demo_coins() });
    }
    if demo_keys {
        genesis.oracle = demo_feeds(&genesis);
        genesis.pools.pools = demo_pools(&genesis);
        // The devnet treasury (dave, or the last account) is the certificate and credit issuer.
        let issuer = if accounts.iter().any(|a| a == "dave") {
            Some(SecretKey::from_name("dave").address())
        } else {
            genesis.bank.balances.last().map(|b| b.address)
        };
        genesis.carbon.params.issuers = issuer.into_iter().collect();
        genesis.staking = demo_staking(accounts);
        genesis.governance = demo_governance(accounts, genesis_time);
        // carol is the devnet's KYC provider: her claims verify RWA investors.
        genesis.rwa.params.claim_issuers =
            accounts.iter().filter(|n| *n == "carol").map(|n| SecretKey::from_name(n).address()).collect();
        // A community pool to spend from at once (staking's community tax feeds it later).
        genesis.bank.balances.push(GenesisBalance {
            address: greenhour_governance::community_pool(),
            coins: vec![greenhour_primitives::Coin::ghr(100_000_000_000)],
        });
    }
    if let (true, Some(faucet)) = (demo_keys, &config.faucet) {
        // The faucet pays from its own account, so its nonces are its own.
        let key = SecretKey::from_name(&faucet.key);
        if keyring.get(&faucet.key).is_err() {
            keyring.add(&faucet.key, &key)?;
        }
        genesis.bank.balances.push(GenesisBalance { address: key.address(), coins: demo_coins() });
    }
    std::fs::write(home.genesis(), genesis.to_json()).with_context(|| "writing genesis.json")?;
    let mut config = config.clone();
    if demo_keys {
        // This one machine holds the devnet validators' consensus keys and signs
        // each block's commit certificate with them, so light clients can check it.
        for account in accounts {
            let name = format!("{account}-consensus");
            if keyring.get(&name).is_err() {
                keyring.add(&name, &SecretKey::from_name(&name))?;
            }
            config.commit_keys.push(name);
        }
    }
    std::fs::write(home.config(), serde_json::to_string_pretty(&config)?).with_context(|| "writing config.json")?;
    Ok(genesis)
}

/// Devnet feeds reported by the four demo accounts (two reports close a round); the
/// fleet's `carol` and `dave` report them every simulated hour. The hourly feeds
/// stay fresh for two hours: grid data is published late (ENTSO-E, Electricity
/// Maps), and on an accelerated devnet clock a busy fleet may finish an hour's
/// work after the chain has passed the next hour's start.
fn demo_feeds(genesis: &Genesis) -> greenhour_oracle::OracleGenesis {
    let reporters: Vec<_> = genesis.bank.balances.iter().take(4).map(|b| b.address).collect();
    let feed = |name: &str, unit: &str, max_age| greenhour_oracle::Feed {
        name: name.into(),
        unit: unit.into(),
        reporters: reporters.clone(),
        quorum: 2.min(reporters.len() as u32),
        max_age,
        round: 0,
    };
    greenhour_oracle::OracleGenesis {
        feeds: vec![
            feed("carbon.de", "gCO2e/kWh", 7_200),
            feed("price.de", "milli-EUR/MWh", 7_200),
            feed("gpu_hour.h100", "ugusd per GPU-hour", 86_400),
            // gUSD vaults lock GHR at this price (the fleet's reporters follow a weekly path).
            feed("ghr.gusd", "ugusd per ughr, WAD", 7_200),
            // Carbon coin in gUSD vaults and the ESG fund (a flat 10 gUSD a tonne).
            feed("gco2.gusd", "ugusd per ugco2, WAD", 7_200),
        ],
        values: vec![],
    }
}

/// Devnet pools for home devices, created by the first demo account:
/// 1. green compute: 100 GHR stake, over the last day at least 20 % green compute
///    energy and 20 % of the time reported, at most 2 members per cell;
/// 2. compute, open to any live home device;
/// 3. compute by lottery: 2 seats per epoch, 10 GHR stake.
fn demo_pools(genesis: &Genesis) -> Vec<greenhour_pools::Pool> {
    use greenhour_devices::DeviceClass;
    use greenhour_pools::{EntryConditions, Pool, PoolId, PoolKind};
    let Some(creator) = genesis.bank.balances.first().map(|b| b.address) else { return Vec::new() };
    let pool = |id, kind, conditions| Pool {
        id: PoolId(id),
        creator,
        class: DeviceClass::Home,
        kind,
        conditions,
        members: 0,
        created_at: 0,
    };
    vec![
        pool(
            1,
            PoolKind::GreenCompute,
            EntryConditions {
                min_stake: 100_000_000,
                window_days: 1,
                min_green_share_bps: 2_000,
                min_uptime_bps: 2_000,
                max_devices_per_cell: 2,
                ..Default::default()
            },
        ),
        pool(2, PoolKind::Compute, EntryConditions::default()),
        pool(3, PoolKind::Compute, EntryConditions { min_stake: 10_000_000, lottery_seats: 2, ..Default::default() }),
    ]
}

pub fn load(root: &Path) -> Result<(NodeConfig, Genesis)> {
    let home = HomeLayout::new(root);
    let config_text = std::fs::read_to_string(home.config()).with_context(|| {
        format!("reading {} (run `greenhour init --home {}` first)", home.config().display(), root.display())
    })?;
    let config: NodeConfig = serde_json::from_str(&config_text)
        .with_context(|| format!("{} is not a valid config", home.config().display()))?;
    let genesis_text =
        std::fs::read_to_string(home.genesis()).with_context(|| format!("reading {}", home.genesis().display()))?;
    let genesis = Genesis::from_json(&genesis_text)
        .map_err(|e| anyhow::anyhow!("{} is not a valid genesis: {e}", home.genesis().display()))?;
    Ok((config, genesis))
}

/// Devnet governance: Cosmos's rules on a clock a newcomer can watch (a six-hour
/// vote is 72 blocks, about a minute on the devnet's simulated clock: time to type
/// the votes; the ten-minute timelock is two blocks), with `carol` as the guardian
/// for the first 30 days.
fn demo_governance(names: &[String], genesis_time: u64) -> greenhour_governance::GovernanceGenesis {
    greenhour_governance::GovernanceGenesis {
        params: greenhour_governance::GovernanceParams {
            max_deposit_period_secs: 86_400,
            voting_period_secs: 6 * 3_600,
            expedited_voting_period_secs: 3_600,
            timelock_secs: 600,
            ..Default::default()
        },
        guardians: greenhour_governance::GuardianSet {
            members: names.iter().filter(|n| *n == "carol").map(|n| SecretKey::from_name(n).address()).collect(),
            expires_at: genesis_time + 30 * 86_400,
        },
        ..Default::default()
    }
}

/// The demo chain's PoGCS validators: each of its accounts bonds 10,000 GHR with
/// a consensus key derived from its name (`{name}-consensus`), in 60-block epochs
/// and a one-hour unbonding period so changes show within a session.
fn demo_staking(names: &[String]) -> greenhour_staking::StakingGenesis {
    greenhour_staking::StakingGenesis {
        params: greenhour_staking::StakingParams {
            epoch_blocks: 60,
            unbonding_secs: 3_600,
            // A validator that signs fewer than half of 100 blocks is jailed for downtime.
            liveness_window_blocks: 100,
            min_signed_bps: 5_000,
            ..greenhour_staking::StakingParams::default()
        },
        validators: names
            .iter()
            .map(|n| greenhour_staking::GenesisValidator {
                operator: SecretKey::from_name(n).address(),
                consensus_key: SecretKey::from_name(&format!("{n}-consensus")).public_key(),
                moniker: n.to_string(),
                commission_bps: 1_000,
                self_bond: 10_000_000_000,
            })
            .collect(),
    }
}
