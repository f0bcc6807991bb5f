//! `greenhour staking …`: PoGCS validators, delegations, device links, and the
//! validator sets the headers commit to.

use crate::context::{home_of, resolve, submit_actions};
use crate::keyring::Keyring;
use crate::output::print;
use crate::Cli;
use anyhow::Result;
use clap::Subcommand;
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_node::config::HomeLayout;
use greenhour_staking::StakingAction;
use serde_json::{json, Value};

#[derive(Subcommand)]
pub enum StakingCommand {
    /// Become a validator: bond --bond ughr to yourself; --consensus-key names the
    /// keyring key that signs your votes (created if missing).
    CreateValidator {
        #[arg(long)]
        from: String,
        #[arg(long)]
        consensus_key: String,
        #[arg(long)]
        moniker: String,
        #[arg(long, default_value_t = 1_000)]
        commission_bps: u32,
        #[arg(long)]
        bond: u128,
    },
    /// Bond ughr to a validator.
    Delegate {
        #[arg(long)]
        from: String,
        #[arg(long)]
        validator: String,
        #[arg(long)]
        amount: u128,
    },
    /// Start unbonding; the tokens return after the unbonding period.
    Undelegate {
        #[arg(long)]
        from: String,
        #[arg(long)]
        validator: String,
        #[arg(long)]
        amount: u128,
    },
    /// Credit your device's verified green work to a validator (omit --validator to unlink).
    LinkDevice {
        #[arg(long)]
        from: String,
        #[arg(long)]
        device: u64,
        #[arg(long)]
        validator: Option<String>,
    },
    /// Return from jail once the jail time is over.
    Unjail {
        #[arg(long)]
        from: String,
    },
    /// Validators: bonded tokens, status, delegators, green work this epoch.
    Validators,
    /// The set signing the latest block and the one signing the next, with their hashes.
    Sets,
}

fn act(a: StakingAction) -> Vec<AppAction> {
    vec![AppAction::Staking(a)]
}

pub async fn run(cli: &Cli, c: &StakingCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let done = |lines: Vec<String>| print(cli.json, &lines, || lines.join("\n"));
    match c {
        StakingCommand::CreateValidator { from, consensus_key, moniker, commission_bps, bond } => {
            let keyring = Keyring::new(&HomeLayout::new(home_of(cli)).keys());
            let key = match keyring.get(consensus_key) {
                Ok(k) => k,
                Err(_) => {
                    let k = greenhour_crypto::SecretKey::generate();
                    keyring.add(consensus_key, &k)?;
                    k
                }
            };
            let action = StakingAction::CreateValidator {
                consensus_key: key.public_key(),
                moniker: moniker.clone(),
                commission_bps: *commission_bps,
                bond: *bond,
            };
            done(submit_actions(cli, from, act(action)).await?)
        }
        StakingCommand::Delegate { from, validator, amount } => {
            let validator = resolve(cli, validator)?;
            done(submit_actions(cli, from, act(StakingAction::Delegate { validator, amount: *amount })).await?)
        }
        StakingCommand::Undelegate { from, validator, amount } => {
            let validator = resolve(cli, validator)?;
            done(submit_actions(cli, from, act(StakingAction::Undelegate { validator, amount: *amount })).await?)
        }
        StakingCommand::LinkDevice { from, device, validator } => {
            let validator = validator.as_deref().map(|v| resolve(cli, v)).transpose()?;
            let action = StakingAction::LinkDevice { device: greenhour_devices::DeviceId(*device), validator };
            done(submit_actions(cli, from, act(action)).await?)
        }
        StakingCommand::Unjail { from } => done(submit_actions(cli, from, act(StakingAction::Unjail)).await?),
        StakingCommand::Validators => {
            let list: Vec<Value> = client.call("validators", json!({})).await?;
            print(cli.json, &list, || {
                list.iter()
                    .map(|v| {
                        let val = &v["validator"];
                        format!(
                            "{} {:<12} tokens {} ughr, commission {} bps, {} delegators, green {} milli-GPU-h, {}",
                            val["operator"].as_str().unwrap_or_default(),
                            val["moniker"].as_str().unwrap_or_default(),
                            val["tokens"].as_str().unwrap_or_default(),
                            val["commission_bps"],
                            v["delegators"],
                            v["green_milli_gpu_hours"],
                            val["status"]
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        StakingCommand::Sets => {
            let sets: Value = client.call("validator_sets", json!({})).await?;
            print(cli.json, &sets, || {
                let show = |name: &str| {
                    let s = &sets[name];
                    let members: Vec<String> = s["set"]["members"]
                        .as_array()
                        .map(|m| {
                            m.iter()
                                .map(|m| {
                                    format!("  {} power {}", m["operator"].as_str().unwrap_or_default(), m["power"])
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    format!(
                        "{name} (epoch {}, hash {}, total power {}):\n{}",
                        s["set"]["epoch"],
                        s["hash"].as_str().unwrap_or_default(),
                        s["total_power"].as_str().unwrap_or_default(),
                        members.join("\n")
                    )
                };
                format!("{}\n{}", show("current"), show("next"))
            });
        }
    }
    Ok(())
}
