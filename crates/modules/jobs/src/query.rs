//! The jobs module's reads: a job with its outputs and SCI report, job lists
//! (by buyer, by operator, latest), an uploaded workload, and the free capacity
//! the matcher sees in one hour.

use crate::state::{self, Job, JobId, SciReport};
use crate::JobsError;
use greenhour_devices::{DeviceClass, DeviceId, DeviceStatus};
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, Hash, UnixSeconds};
use serde::{Deserialize, Serialize};

/// A job with its revealed outputs (hex, by replica) and its SCI report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobView {
    #[serde(flatten)]
    pub job: Job,
    pub outputs: Vec<Option<String>>,
    pub report: Option<SciReport>,
}

pub fn job(state: &impl StateRead, id: JobId) -> Result<JobView, JobsError> {
    let job = state::job(state, id)?;
    let outputs = (0..job.replicas.len())
        .map(|i| Ok::<_, JobsError>(state::output(state, id, i)?.map(hex::encode)))
        .collect::<Result<_, _>>()?;
    let report = state::report(state, id)?;
    Ok(JobView { job, outputs, report })
}

/// Which jobs to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobFilter {
    /// Posted by this account.
    Buyer(Address),
    /// Unfinished jobs this account's devices serve (what a worker polls).
    Operator(Address),
    /// The most recent ones.
    Latest,
}

/// Jobs newest first, at most `limit`.
pub fn jobs(state: &impl StateRead, filter: JobFilter, limit: usize) -> Result<Vec<Job>, JobsError> {
    let mut list = match filter {
        JobFilter::Operator(a) => state::assigned_to(state, &a)?,
        JobFilter::Buyer(a) => state::all_jobs(state)?.into_iter().filter(|j| j.buyer == a).collect(),
        JobFilter::Latest => state::all_jobs(state)?,
    };
    list.reverse();
    list.truncate(limit);
    Ok(list)
}

/// An uploaded workload module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadView {
    pub hash: Hash,
    pub uploader: Address,
    pub bytes: usize,
    /// The module, hex.
    pub wasm: String,
    /// The module every engine runs in its place (wire.md §9), hex: metered
    /// under the chain's memory cap. `None` when it cannot be metered (a module
    /// stored before metering existed); then every run of it fails.
    pub metered: Option<String>,
}

/// The metered form of `wasm` under the chain's memory cap, hex.
fn metered(wasm: &[u8], params: &crate::JobsParams) -> Option<String> {
    greenhour_workloads::meter(wasm, params.max_memory_bytes as usize).ok().map(hex::encode)
}

/// `None` when no module has this hash.
pub fn workload(state: &impl StateRead, hash: &Hash) -> Result<Option<WorkloadView>, JobsError> {
    let params = state::params(state)?;
    Ok(state::workload(state, hash)?.map(|w| WorkloadView {
        hash: w.hash,
        uploader: w.uploader,
        bytes: w.wasm.len(),
        metered: metered(&w.wasm, &params),
        wasm: hex::encode(&w.wasm),
    }))
}

/// A built-in example workload: what a wallet uploads (unless `uploaded`) and
/// posts a job with, and the input the devnet's buyer uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExampleView {
    /// `mandelbrot`, `mlp` or `sgd`.
    pub name: String,
    /// The task kind it stands for (`rendering`, `inference`, `training`).
    pub kind: String,
    /// sha256 of the module: the `Workload::Wasm` module hash.
    pub module: Hash,
    /// Whether the chain holds the module already.
    pub uploaded: bool,
    /// The module, hex.
    pub wasm: String,
    /// What every engine runs in its place (wire.md §9), hex, under the chain's memory cap.
    pub metered: String,
    /// A small standard input, hex.
    pub demo_input: String,
}

pub fn examples(state: &impl StateRead) -> Result<Vec<ExampleView>, JobsError> {
    // Assembled from their text once per process, not on every read; the
    // metered form depends on the chain's memory cap, so it is made per read.
    static BUILT: std::sync::OnceLock<Vec<(ExampleView, Vec<u8>)>> = std::sync::OnceLock::new();
    let built = BUILT.get_or_init(|| {
        greenhour_workloads::examples::ALL
            .iter()
            .map(|e| {
                let wasm = e.wasm();
                let view = ExampleView {
                    name: e.name.into(),
                    kind: e.kind.into(),
                    module: Hash::digest(&wasm),
                    uploaded: false,
                    wasm: hex::encode(&wasm),
                    metered: String::new(),
                    demo_input: hex::encode(e.demo_input()),
                };
                (view, wasm)
            })
            .collect()
    });
    let params = state::params(state)?;
    built
        .iter()
        .map(|(e, wasm)| {
            let metered = greenhour_workloads::meter(wasm, params.max_memory_bytes as usize)
                .map_err(|err| JobsError::InvalidWorkload(format!("example {}: {err}", e.name)))?;
            Ok(ExampleView {
                uploaded: state::workload(state, &e.module)?.is_some(),
                metered: hex::encode(metered),
                ..e.clone()
            })
        })
        .collect()
}

/// One device's free GPUs in an hour, as the matcher ranks them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeCapacity {
    pub device: u64,
    pub owner: Address,
    pub active: bool,
    pub free: u32,
    pub green_bps: u32,
}

/// Free GPU capacity of a class in one hour: per device (in id order, after
/// device `after` only, at most `limit`), its owner, GPUs backed in pools less
/// those busy with jobs, and the green share it is ranked by (what an
/// off-chain solver needs to build a proposal).
pub fn capacity(
    state: &impl StateRead,
    class: DeviceClass,
    hour: u64,
    after: Option<u64>,
    limit: usize,
    now: UnixSeconds,
) -> Result<Vec<FreeCapacity>, JobsError> {
    let params = state::params(state)?;
    let first_day = (now / 86_400).saturating_sub(params.green_window_days as u64);
    let mut out = Vec::new();
    for (device, units) in greenhour_pools::api::capacity_page(state, class, hour, after.map(DeviceId), limit)? {
        let busy = state::busy(state, hour, device)?;
        let d = greenhour_devices::api::device(state, device)?;
        let green = greenhour_devices::api::window_totals(state, &d, first_day)?.green_share_bps();
        out.push(FreeCapacity {
            device: device.0,
            owner: d.owner,
            active: d.status == DeviceStatus::Active,
            free: units.saturating_sub(busy),
            green_bps: green,
        });
    }
    Ok(out)
}

impl From<JobsError> for QueryError {
    fn from(e: JobsError) -> Self {
        match e {
            JobsError::UnknownJob(id) => QueryError::NotFound(format!("job {id}")),
            JobsError::State(s) => QueryError::Internal(s.to_string()),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

/// At most this many jobs per listing, newest first.
pub const JOB_PAGE: usize = 200;

greenhour_framework::module_queries! {
    /// The jobs module's reads.
    pub enum JobsQuery in "jobs" {
        /// A job with its revealed outputs (hex) and SCI report.
        Job = "job" at "/jobs/{id}" { id: u64 } -> JobView
            = |state, _now| job(state, JobId(id));
        /// Jobs posted by `buyer`, or unfinished jobs `operator`'s devices serve, or the
        /// latest; newest first, at most 200.
        Jobs = "jobs" at "/jobs" { buyer: Option<Address>, operator: Option<Address> } -> Vec<Job>
            = |state, _now| {
                let filter = match (buyer, operator) {
                    (Some(buyer), None) => JobFilter::Buyer(buyer),
                    (None, Some(operator)) => JobFilter::Operator(operator),
                    (None, None) => JobFilter::Latest,
                    (Some(_), Some(_)) => {
                        return Err(QueryError::InvalidParams("give buyer or operator, not both".into()))
                    }
                };
                jobs(state, filter, JOB_PAGE)
            };
        /// An uploaded workload module: its hash, uploader, size and WASM bytes (hex).
        Workload = "workload" at "/workloads/{hash}" { hash: Hash } -> WorkloadView
            = |state, _now| workload(state, &hash)?.ok_or_else(|| QueryError::NotFound(format!("workload {hash}")));
        /// The built-in example workloads, with their module hashes, bytes and demo inputs.
        Examples = "workload_examples" at "/workload-examples" {} -> Vec<ExampleView>
            = |state, _now| examples(state).map_err(QueryError::from);
        /// Free GPU capacity of a class in one hour, as the matcher sees it: at most
        /// 1,000 devices in id order, those after device `after` only.
        Capacity = "capacity" at "/capacity/{class}/{hour}" { class: DeviceClass, hour: u64, after: Option<u64> } -> Vec<FreeCapacity>
            = |state, now| capacity(state, class, hour, after, MAX_LIST, now);
    }
}
