//! One device's agent: register, report each ended hour's signed telemetry,
//! join a pool, pledge the hours its energy manager plans to run compute in,
//! run assigned jobs, and check what the node tells it — all through the RPC
//! client, with its state in a small local file.
//!
//! The device here is simulated (PVWatts on real TMY3 weather, the battery run by
//! the energy manager's plan, GPU draw from TDP) because this machine has no
//! inverter to read; the loop, the planning, the keys, the state file and the
//! checks are what a real device runs.

use crate::manager::{EnergyManager, ManagerConfig};
use crate::worker::Worker;
use greenhour_app::AppAction;
use greenhour_client::{ClientError, Committed, RpcClient, Wallet};
use greenhour_crypto::SecretKey;
use greenhour_devices::{DeviceClass, DeviceId, DevicesAction, DevicesEvent, LocationCell};
use greenhour_light::{LightClient, ValidatorSet};
use greenhour_pools::{PoolId, PoolsAction};
use greenhour_primitives::{ChainId, Hash};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

const HOUR: u64 = 3_600;
/// Headers checked per step at most (the rest on the next steps).
const MAX_HEADERS_PER_STEP: u64 = 2_000;
/// Ended hours reported per step at most (a device far behind catches up over steps).
const MAX_HOURS_PER_STEP: u64 = 24;

/// What the agent is and where it keeps its state.
#[derive(Clone, Debug)]
pub struct AgentConfig {
    pub owner: SecretKey,
    pub device_key: SecretKey,
    pub cell: String,
    /// The device, its site and what its energy manager plans against.
    pub energy: ManagerConfig,
    pub pool: u64,
    /// Where [`AgentState`] lives (written atomically after every change).
    pub state_path: PathBuf,
}

/// What survives a restart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentState {
    pub device: Option<u64>,
    /// Height of the block that registered it (its record is provable from there on).
    pub registered_at: Option<u64>,
    /// The last UTC hour whose report the chain accepted (or refused for good).
    pub last_reported_hour: Option<u64>,
    pub soc_wh: f64,
    pub joined: bool,
    /// First hour not yet covered by the manager's pledges.
    pub pledged_until: u64,
    /// Pledged hour ranges `(first, hours)`: compute runs at full power in them.
    pub pledged: Vec<(u64, u32)>,
    /// The last header checked: height and hash (the light client's trusted point).
    pub checkpoint: Option<(u64, Hash)>,
    pub reports_accepted: u64,
    pub reports_refused: u64,
    pub headers_verified: u64,
    pub results_submitted: u64,
    /// The set that signs the header after the checkpoint (the light client's trust).
    #[serde(default)]
    pub trusted_set: Option<ValidatorSet>,
    /// Headers accepted on a commit certificate (not just a hash link).
    #[serde(default)]
    pub certificates_verified: u64,
    /// What the energy manager's PV forecast has learnt: the clear-sky index each
    /// local hour of day last reached.
    #[serde(default)]
    pub clear_sky_index: Vec<Option<f64>>,
    /// The car's session in progress (the UTC hour it arrived) and the Wh it took.
    #[serde(default)]
    pub ev_session: Option<u64>,
    #[serde(default)]
    pub ev_delivered_wh: f64,
}

/// What one step did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    pub reported: Vec<u64>,
    pub refused: Vec<(u64, String)>,
    pub pledged: Vec<(u64, u32)>,
    pub headers_verified: u64,
    pub device_record_verified: bool,
    pub results: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The node could not be reached or refused something the agent cannot go on without.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The state file cannot be read or written.
    #[error("state file {path}: {reason}")]
    StateFile { path: String, reason: String },
    /// What the node served does not check out: a broken header chain or a proof
    /// against a root no verified header carries.
    #[error("light verification failed: {0}")]
    Verification(String),
    /// The physics or the planner refused its inputs.
    #[error(transparent)]
    Energy(#[from] greenhour_energy::EnergyError),
    /// Registration failed.
    #[error("setup: {0}")]
    Setup(String),
}

pub struct Agent {
    client: RpcClient,
    config: AgentConfig,
    wallet: Wallet,
    worker: Worker,
    chain: ChainId,
    manager: EnergyManager,
    pub state: AgentState,
}

impl Agent {
    /// Loads the state file (or starts fresh) and connects.
    pub async fn start(client: RpcClient, config: AgentConfig) -> Result<Agent, AgentError> {
        let state = match std::fs::read_to_string(&config.state_path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| AgentError::StateFile {
                path: config.state_path.display().to_string(),
                reason: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => AgentState::default(),
            Err(e) => {
                return Err(AgentError::StateFile {
                    path: config.state_path.display().to_string(),
                    reason: e.to_string(),
                })
            }
        };
        let status = client.status().await?;
        let chain: ChainId = status.chain_id.parse().map_err(|e| AgentError::Setup(format!("chain id: {e}")))?;
        let wallet = Wallet::new(config.owner.clone(), chain.clone(), status.min_fee);
        let manager = EnergyManager::new(config.energy.clone(), state.soc_wh)?
            .learnt(&state.clear_sky_index)
            .with_ev_progress(state.ev_session, state.ev_delivered_wh);
        Ok(Agent { client, config, wallet, worker: Worker::new(false), chain, manager, state })
    }

    /// Writes the state file atomically (temporary file, then rename).
    fn save(&self) -> Result<(), AgentError> {
        let path = &self.config.state_path;
        let err = |e: std::io::Error| AgentError::StateFile { path: path.display().to_string(), reason: e.to_string() };
        let tmp = path.with_extension("tmp");
        let text = serde_json::to_string_pretty(&self.state).expect("agent state serialises");
        std::fs::write(&tmp, text).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }

    async fn submit(&mut self, actions: Vec<AppAction>) -> Result<Committed, AgentError> {
        Ok(self.wallet.commit(&self.client, actions).await?)
    }

    /// Registers the device if the state file has none (a key already on chain is
    /// found again rather than registered twice).
    async fn ensure_registered(&mut self) -> Result<DeviceId, AgentError> {
        if let Some(id) = self.state.device {
            return Ok(DeviceId(id));
        }
        let owner = self.wallet.address();
        let key = self.config.device_key.public_key();
        if let Some(d) = self.client.devices(Some(&owner)).await?.into_iter().find(|d| d.key == key) {
            self.state.device = Some(d.id.0);
            self.state.registered_at = Some(d.registered_at);
            self.state.last_reported_hour = d.last_report_end.map(|end| end / HOUR - 1);
            self.save()?;
            return Ok(d.id);
        }
        let register = DevicesAction::Register {
            key,
            class: DeviceClass::Home,
            cell: LocationCell::new(self.config.cell.clone()).map_err(|e| AgentError::Setup(e.to_string()))?,
            nameplate: self.manager.nameplate(),
        };
        match self.submit(vec![AppAction::Devices(register)]).await? {
            Committed::Included(record) => {
                let id = DevicesEvent::all_in(&record.events)
                    .into_iter()
                    .find_map(|e| match e {
                        DevicesEvent::Registered { device, .. } => Some(device),
                        _ => None,
                    })
                    .ok_or_else(|| AgentError::Setup("no registration event".into()))?;
                self.state.device = Some(id.0);
                self.state.registered_at = Some(record.height);
                self.save()?;
                Ok(id)
            }
            Committed::Refused(why) => Err(AgentError::Setup(format!("registration refused: {why}"))),
        }
    }

    fn pledged_at(&self, hour: u64) -> bool {
        self.state.pledged.iter().any(|(first, n)| hour >= *first && hour < first + *n as u64)
    }

    /// One pass: verify headers, report every ended hour not yet reported, join,
    /// pledge the next planned day when due, run assigned jobs. State is saved
    /// after each change, so a crash never repeats a report the chain accepted.
    pub async fn step(&mut self) -> Result<StepReport, AgentError> {
        let mut out = StepReport::default();
        let id = self.ensure_registered().await?;
        out.headers_verified = self.verify_headers().await?;
        out.device_record_verified = self.verify_device_record(id).await?;
        let now = self.client.status().await?.latest_block_time;
        let now_hour = now / HOUR;
        // The chain is the truth about what was accepted (a crash between the
        // commit and the state save must not lead to a second report).
        let on_chain = self.client.device(id.0).await?.last_report_end;
        if let Some(end) = on_chain {
            let chain_hour = end / HOUR - 1;
            if self.state.last_reported_hour.is_none_or(|h| h < chain_hour) {
                self.state.last_reported_hour = Some(chain_hour);
            }
        }
        let first = self.state.last_reported_hour.map_or(now_hour.saturating_sub(1), |h| h + 1);
        for hour in first..now_hour.min(first + MAX_HOURS_PER_STEP) {
            self.report(id, hour, &mut out).await?;
        }
        if !self.state.joined && self.state.reports_accepted > 0 {
            let join = PoolsAction::Join { pool: PoolId(self.config.pool), device: id };
            if let Committed::Included(_) = self.submit(vec![AppAction::Pools(join)]).await? {
                self.state.joined = true;
                self.save()?;
            }
        }
        if self.state.joined && self.state.pledged_until < now_hour + 12 {
            self.pledge_next_day(id, now_hour, &mut out).await?;
        }
        for due in self.worker.due(&self.client, &self.wallet.address(), now).await? {
            let line = format!("job {} device {}: {}", due.job, due.device, due.what);
            match self.submit(vec![AppAction::Jobs(due.action)]).await? {
                Committed::Included(_) => {
                    self.state.results_submitted += 1;
                    out.results.push(line);
                }
                Committed::Refused(why) => out.results.push(format!("{line} refused: {why}")),
            }
        }
        self.save()?;
        Ok(out)
    }

    async fn report(&mut self, id: DeviceId, hour: u64, out: &mut StepReport) -> Result<(), AgentError> {
        let pledged = self.pledged_at(hour);
        if self.manager.needs_plan(hour) {
            self.manager.replan(hour, &self.state.pledged, None)?;
        }
        let e = self.manager.run_hour(hour, pledged);
        let outage = self.state.last_reported_hour.is_some_and(|last| last + 1 < hour);
        let report = self.manager.telemetry(id, hour, &e, outage);
        let signature = report.sign(&self.config.device_key, &self.chain);
        let hash = report.signed_hash(&signature);
        let sunny = report.generated_wh > 0;
        let mut actions = vec![AppAction::Devices(DevicesAction::Report { report, signature })];
        // A sunny hour becomes hourly energy certificates in the same transaction
        // (night discharge is certified when a job claims it, or by the owner).
        if sunny {
            actions.push(AppAction::Carbon(greenhour_carbon::CarbonAction::Issue { reports: vec![hash] }));
        }
        // The battery did what it did whether or not the chain takes the report;
        // the manager holds its state, the file keeps a copy for the next start.
        self.state.soc_wh = self.manager.soc_wh;
        self.state.clear_sky_index = self.manager.clear_sky_index().to_vec();
        (self.state.ev_session, self.state.ev_delivered_wh) = self.manager.ev_progress();
        match self.submit(actions).await? {
            Committed::Included(_) => {
                self.state.reports_accepted += 1;
                out.reported.push(hour);
            }
            Committed::Refused(why) => {
                self.state.reports_refused += 1;
                out.refused.push((hour, why.to_string()));
            }
        }
        // Either way the hour is done: a refused report is not retried forever.
        self.state.last_reported_hour = Some(hour);
        self.save()
    }

    /// Plans the next 48 hours with `compute_hours_per_day` GPU-hours free to go
    /// anywhere in the day being pledged (see [`crate::manager`]), then pledges the
    /// hours the plan runs compute in, one position per contiguous run.
    async fn pledge_next_day(&mut self, id: DeviceId, now_hour: u64, out: &mut StepReport) -> Result<(), AgentError> {
        let first = self.state.pledged_until.max(now_hour + 2);
        let hours = 24u32;
        let full = self.manager.full_compute_wh();
        let runs =
            self.manager.replan(now_hour, &self.state.pledged, Some((first, hours)))?.compute_runs(first, hours, full);
        for (start, n) in runs {
            let pledge = PoolsAction::Pledge {
                pool: PoolId(self.config.pool),
                device: id,
                first_hour: start,
                hours: n,
                quantity: self.manager.spec().gpu.gpu_count,
            };
            if let Committed::Included(_) = self.submit(vec![AppAction::Pools(pledge)]).await? {
                self.state.pledged.push((start, n));
                out.pledged.push((start, n));
            }
        }
        self.state.pledged_until = first + hours as u64;
        // Ranges that ended long ago are forgotten.
        self.state.pledged.retain(|(s, n)| s + *n as u64 + 48 > now_hour);
        self.save()
    }

    /// Follows the header chain from the last checkpoint (or the genesis header
    /// on first run) with the light client ([`RpcClient::follow_headers`]): every
    /// header must extend the trusted one, carry a commit certificate with more
    /// than two thirds of the power of the set the trusted header announced, and
    /// change sets only to the set it announces. A chain without validators
    /// (empty set) is followed by hash links alone.
    async fn verify_headers(&mut self) -> Result<u64, AgentError> {
        let latest = self.client.block(None).await?.block.header.height;
        let unverified = |e: ClientError| match e {
            ClientError::Unverified(why) => AgentError::Verification(why),
            other => AgentError::Client(other),
        };
        let mut light = match (self.state.checkpoint, self.state.trusted_set.clone()) {
            (Some((height, hash)), Some(set)) => {
                let header = self.client.block(Some(height)).await?.block.header;
                if header.hash() != hash {
                    return Err(AgentError::Verification(format!("the node changed header {height}")));
                }
                LightClient::new(self.chain.clone(), &header, set)
                    .map_err(|e| AgentError::Verification(e.to_string()))?
            }
            _ => self.client.light_client_at(&self.chain, 0, None).await.map_err(unverified)?,
        };
        let start = light.trusted().height;
        let target = latest.min(start + MAX_HEADERS_PER_STEP);
        let certificates = self.client.follow_headers(&mut light, target).await.map_err(unverified)?;
        self.state.certificates_verified += certificates;
        let trusted = light.trusted();
        let checked = trusted.height - start;
        self.state.checkpoint = Some((trusted.height, trusted.hash));
        self.state.trusted_set = Some(trusted.next_set.clone());
        self.state.headers_verified += checked;
        Ok(checked)
    }

    /// Checks the proof of the device's own record against the app hash of a
    /// header the agent verified.
    async fn verify_device_record(&mut self, id: DeviceId) -> Result<bool, AgentError> {
        let Some((checked, _)) = self.state.checkpoint else { return Ok(false) };
        // Until the walk passes the registration, there is nothing to prove yet.
        if self.state.registered_at.is_none_or(|at| checked < at) {
            return Ok(false);
        }
        let key = format!("devices/device/{:020}", id.0);
        let proof = self.client.state(&key, Some(checked)).await?;
        let header = self.client.block(Some(checked)).await?.block.header;
        if proof.root != header.app_hash || proof.value.is_none() {
            return Err(AgentError::Verification(format!(
                "device record at height {checked} is not under its app hash"
            )));
        }
        proof.verify(&header.app_hash).map_err(|e| AgentError::Verification(e.to_string()))?;
        Ok(true)
    }
}
