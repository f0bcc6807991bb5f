//! `greenhour agent run`: the long-running process of one device (simulated on
//! real weather: there is no inverter on this machine) — register, signed hourly
//! telemetry, pool entry, pledges of the hours its energy manager plans compute
//! in, assigned jobs, and light verification of what the node serves.

use crate::context::home_of;
use crate::Cli;
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use greenhour_agent::{Agent, AgentConfig, ManagerConfig};
use greenhour_client::RpcClient;
use greenhour_crypto::SecretKey;
use greenhour_energy::battery::Battery;
use greenhour_energy::data::{self, embedded};
use greenhour_energy::device::{EvSession, GpuBox};
use greenhour_energy::household::{DeviceSpec, SiteProfile};
use greenhour_node::config::HomeLayout;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::keyring::Keyring;

#[derive(Subcommand)]
pub enum AgentCommand {
    /// Run one device's agent until Ctrl-C (or one step with --once).
    Run {
        /// The owner's key name.
        #[arg(long)]
        from: String,
        /// The device key's name (created in the keyring if missing).
        #[arg(long)]
        device_key: String,
        #[arg(long, default_value = "u33dc0")]
        cell: String,
        /// greensboro | sand_point (TMY3 weather in data/weather).
        #[arg(long, default_value = "greensboro")]
        site: String,
        #[arg(long, default_value_t = 5_000)]
        pv_w: u64,
        #[arg(long, default_value_t = 10_000)]
        battery_wh: u64,
        #[arg(long, default_value_t = 2)]
        gpus: u32,
        #[arg(long, default_value_t = 450)]
        gpu_tdp_w: u32,
        #[arg(long, default_value_t = 400)]
        base_load_w: u32,
        /// kWh a car takes from the 7.4 kW charger each evening (plugged in 18:00–07:00 local; 0: no car).
        #[arg(long, default_value_t = 0)]
        ev_kwh: u32,
        /// The pool to join (the devnet's open compute pool is 2).
        #[arg(long, default_value_t = 2)]
        pool: u64,
        /// GPU-hours of flexible compute per day the energy manager places and pledges.
        #[arg(long, default_value_t = 8)]
        compute_hours: u32,
        /// State file (default: HOME/agent-<device-key>.json).
        #[arg(long)]
        state: Option<PathBuf>,
        /// One step, then exit.
        #[arg(long)]
        once: bool,
        #[arg(long, default_value_t = 5)]
        poll_secs: u64,
    },
}

pub async fn run(cli: &Cli, c: &AgentCommand) -> Result<()> {
    let AgentCommand::Run {
        from,
        device_key,
        cell,
        site,
        pv_w,
        battery_wh,
        gpus,
        gpu_tdp_w,
        base_load_w,
        ev_kwh,
        pool,
        compute_hours,
        state,
        once,
        poll_secs,
    } = c;
    let home = home_of(cli);
    let keyring = Keyring::new(&HomeLayout::new(home.clone()).keys());
    let owner = keyring.get(from)?;
    let device = match keyring.get(device_key) {
        Ok(k) => k,
        Err(_) => {
            let k = SecretKey::generate();
            keyring.add(device_key, &k)?;
            k
        }
    };
    let (file, text) = match site.as_str() {
        "greensboro" => embedded::GREENSBORO,
        "sand_point" => embedded::SAND_POINT,
        other => bail!("unknown site {other:?} (greensboro, sand_point)"),
    };
    let profile = SiteProfile::compute(&data::weather(file, text)?).context("weather")?;
    let prices: Vec<f64> =
        data::prices(embedded::SMARD_2018.0, embedded::SMARD_2018.1)?.iter().map(|p| p.eur_per_mwh).collect();
    let grid = data::countries(embedded::COUNTRIES.0, embedded::COUNTRIES.1)?
        .into_iter()
        .find(|c| c.iso_code == "USA")
        .map_or(400.0, |c| c.g_co2e_per_kwh);
    let config = AgentConfig {
        owner,
        device_key: device,
        cell: cell.clone(),
        energy: ManagerConfig {
            spec: DeviceSpec {
                pv_w: *pv_w as f64,
                battery: Battery {
                    capacity_wh: *battery_wh as f64,
                    max_charge_w: (*battery_wh as f64 / 2.0).min(5_000.0),
                    max_discharge_w: (*battery_wh as f64 / 2.0).min(5_000.0),
                    ..Battery::home()
                },
                gpu: GpuBox { gpu_count: *gpus, tdp_w: *gpu_tdp_w as f64, idle_w: 60.0 },
                base_load_w: *base_load_w as f64,
                ev: (*ev_kwh > 0).then_some(EvSession {
                    arrive: 18,
                    depart: 7,
                    energy_wh: *ev_kwh as f64 * 1_000.0,
                    max_w: 7_400.0,
                }),
            },
            site: Arc::new(profile),
            prices: prices.into(),
            grid_g_per_kwh: grid,
            compute_hours_per_day: *compute_hours,
            horizon_hours: 48,
            plan_lead_hours: 24,
        },
        pool: *pool,
        state_path: state.clone().unwrap_or_else(|| home.join(format!("agent-{device_key}.json"))),
    };
    let client = RpcClient::new(&cli.node);
    let mut agent = Agent::start(client, config).await?;
    let mut backoff = 1u64;
    loop {
        match agent.step().await {
            Ok(report) => {
                backoff = 1;
                crate::output::print(cli.json, &serde_json::json!({"step": report, "state": agent.state}), || {
                    format!(
                        "device {}: reported {:?}, refused {}, pledged {:?}, {} headers verified{}, jobs {:?}",
                        agent.state.device.unwrap_or_default(),
                        report.reported,
                        report.refused.len(),
                        report.pledged,
                        report.headers_verified,
                        if report.device_record_verified { ", own record proven" } else { "" },
                        report.results
                    )
                });
            }
            Err(e) if !*once => {
                // The node may be restarting: back off and retry; the state file
                // and the chain's last report keep reports from repeating.
                eprintln!("agent: {e}; retrying in {backoff} s");
                tokio::time::sleep(Duration::from_secs(backoff)).await;
                backoff = (backoff * 2).min(30);
                continue;
            }
            Err(e) => return Err(e.into()),
        }
        if *once {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_secs(*poll_secs)).await;
    }
}
