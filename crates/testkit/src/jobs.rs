//! A small market of green capacity for jobs tests (the jobs module's and the
//! job covers'): three devices of three owners pledge two GPUs each for a few
//! hours; dave is the buyer.

use crate::supply::{create_pool, device_with_history, join, pledge, GENESIS_HOUR};
use crate::TestNode;
use greenhour_app::AppAction;
use greenhour_devices::{DeviceClass, DeviceId};
use greenhour_framework::ErrorInfo;
use greenhour_jobs::math::{commitment, output_hash};
use greenhour_jobs::state::{self, Job, JobId};
use greenhour_jobs::{JobSpec, JobsAction, Pricing, TaskKind, Verification, Workload};
use greenhour_pools::{EntryConditions, PoolKind, PoolsAction, SlotUnit};
use greenhour_primitives::{Denom, Hash};
use greenhour_workloads::examples::Example;

/// The hour jobs run in: a few hours after genesis.
pub const RUN_HOUR: u64 = GENESIS_HOUR + 3;
pub const OPERATORS: [&str; 3] = ["alice", "bob", "carol"];
pub const BOND: u128 = 2_000_000;
pub const INCENTIVE: u128 = 9_000_000;

pub struct Fleet {
    pub node: TestNode,
    /// Device of each operator, in `OPERATORS` order.
    pub devices: Vec<DeviceId>,
    /// The position serial of each device.
    pub positions: Vec<u64>,
}

pub fn jobs(a: JobsAction) -> Vec<AppAction> {
    vec![AppAction::Jobs(a)]
}

pub fn code(e: &ErrorInfo) -> (&str, u32) {
    (e.module.as_str(), e.code)
}

pub fn slot(hour: u64) -> Denom {
    greenhour_pools::state::slot_denom(SlotUnit::GpuHour, DeviceClass::Home, hour)
}

/// Three devices (alice, bob, carol) pledge 2 GPUs for `RUN_HOUR..RUN_HOUR+4`;
/// each releases its slots of `RUN_HOUR` and sends them to dave, the buyer.
pub fn fleet() -> Fleet {
    let mut node = TestNode::new();
    let pool = create_pool(&mut node, PoolKind::Compute, EntryConditions::default());
    let mut devices = Vec::new();
    let mut positions = Vec::new();
    for (i, owner) in OPERATORS.iter().enumerate() {
        let device = device_with_history(&mut node, owner, &format!("dev-{owner}"), &format!("u33dc{i}"));
        join(&mut node, owner, pool, device);
        let position = pledge(&mut node, owner, pool, device, RUN_HOUR, 4, 2);
        let release = PoolsAction::Release { position, hour: RUN_HOUR, quantity: 2 };
        node.deliver(node.tx(&TestNode::key(owner), vec![AppAction::Pools(release)])).unwrap();
        let coin = greenhour_primitives::Coin::new(slot(RUN_HOUR), 2);
        node.deliver(node.send(owner, &TestNode::addr("dave"), coin)).unwrap();
        devices.push(device);
        positions.push(position);
    }
    Fleet { node, devices, positions }
}

/// Uploads an example workload (by dave) and returns its hash.
pub fn upload(node: &mut TestNode, example: &str) -> Hash {
    let wasm = Example::by_name(example).unwrap().wasm();
    node.deliver(node.tx(&TestNode::key("dave"), jobs(JobsAction::UploadWorkload { wasm: wasm.clone() }))).unwrap();
    Hash::digest(&wasm)
}

/// A one-GPU, one-hour job at `RUN_HOUR` paid with held slots.
pub fn spec(module: Hash, example: &str, verification: Verification) -> JobSpec {
    JobSpec {
        kind: TaskKind::Inference,
        class: DeviceClass::Home,
        gpus: 1,
        hours: 1,
        earliest_hour: RUN_HOUR,
        deadline_hour: RUN_HOUR + 1,
        min_green_bps: 0,
        pricing: Pricing::Held,
        incentive: INCENTIVE,
        workload: Workload::Wasm { module, input: Example::by_name(example).unwrap().demo_input(), fuel: 50_000_000 },
        verification,
        bond: BOND,
        slash_split_bps: 5_000,
        providers: Vec::new(),
    }
}

/// Posts as dave; returns the job id.
pub fn post(node: &mut TestNode, spec: JobSpec) -> Result<JobId, ErrorInfo> {
    let record = node.deliver(node.tx(&TestNode::key("dave"), jobs(JobsAction::Post { spec })))?;
    let posted = greenhour_jobs::JobsEvent::all_in(&record.events).into_iter().find_map(|e| match e {
        greenhour_jobs::JobsEvent::Open { job, .. } => Some(job),
        _ => None,
    });
    Ok(posted.expect("posted event"))
}

pub fn job(node: &TestNode, id: JobId) -> Job {
    state::job(&node.app.snapshot().unwrap(), id).unwrap()
}

/// Moves the clock to the start of `hour` and produces a block there.
pub fn at_hour(node: &mut TestNode, hour: u64, plus: u64) {
    let target = hour * 3_600 + plus;
    if node.now() + 5 < target {
        node.advance(target - node.now() - 5);
    }
    node.produce_block(vec![]);
}

/// The operator name of a job's replica.
pub fn operator_of(job: &Job, replica: usize) -> &'static str {
    OPERATORS.iter().find(|n| TestNode::addr(n) == job.replicas[replica].operator).copied().unwrap()
}

pub fn commit(node: &mut TestNode, id: JobId, replica: usize, output: &[u8]) -> Result<(), ErrorInfo> {
    let j = job(node, id);
    let r = &j.replicas[replica];
    let c = commitment(id, r.device, &output_hash(output));
    let who = operator_of(&j, replica);
    node.deliver(node.tx(&TestNode::key(who), jobs(JobsAction::Commit { job: id, device: r.device, commitment: c })))
        .map(|_| ())
}

pub fn reveal(node: &mut TestNode, id: JobId, replica: usize, output: &[u8]) -> Result<(), ErrorInfo> {
    let j = job(node, id);
    let device = j.replicas[replica].device;
    let who = operator_of(&j, replica);
    node.deliver(node.tx(&TestNode::key(who), jobs(JobsAction::Reveal { job: id, device, output: output.to_vec() })))
        .map(|_| ())
}

/// The correct output of an example on its demo input.
pub fn correct(example: &str) -> Vec<u8> {
    let e = Example::by_name(example).unwrap();
    e.native(&e.demo_input()).unwrap()
}

/// Signed telemetry for a device's `hour`, after a declared outage.
pub fn report_hour(node: &mut TestNode, owner: &str, device: DeviceId, hour: u64, gpu_seconds: u64) {
    let key = format!("dev-{owner}");
    crate::supply::report_sunny_hour(node, owner, &key, device, hour, gpu_seconds, true);
}
