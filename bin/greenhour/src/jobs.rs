//! `greenhour job …` (post, inspect, cancel and challenge demand contracts, read
//! their SCI reports) and `greenhour worker run` (a device operator's process that
//! runs the jobs assigned to its devices and submits the results).

use crate::context::{home_of, is_rejection, next_hour_after, parse_enum, resolve, submit_actions};
use crate::keyring::Keyring;
use crate::output::print;
use crate::Cli;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use greenhour_app::AppAction;
use greenhour_client::{RpcClient, Wallet};
use greenhour_devices::DeviceClass;
use greenhour_jobs::{
    Job, JobId, JobSpec, JobStatus, JobsAction, JobsError, Pricing, TaskKind, Verification, Workload,
};
use greenhour_node::config::HomeLayout;
use greenhour_primitives::{Address, Denom, Hash};
use greenhour_workloads::examples::Example;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Subcommand)]
pub enum JobCommand {
    /// Upload a WASM workload module (an example by name, or a .wasm/.wat file).
    Upload {
        #[arg(long)]
        from: String,
        /// mandelbrot | mlp | sgd
        #[arg(long, conflicts_with = "file")]
        example: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Post a demand contract (uploading the example module in the same transaction).
    Post(Box<PostArgs>),
    /// One job: status, replicas, outcomes, escrow.
    Show { id: u64 },
    /// Jobs you posted (--buyer), jobs your devices serve (--operator), or the latest.
    List {
        /// Address or key name.
        #[arg(long)]
        buyer: Option<String>,
        /// Address or key name.
        #[arg(long)]
        operator: Option<String>,
    },
    /// Withdraw an open job (full refund).
    Cancel {
        #[arg(long)]
        from: String,
        id: u64,
    },
    /// Dispute an optimistic result with a bond; the chain re-executes it.
    Challenge {
        #[arg(long)]
        from: String,
        id: u64,
    },
    /// The job's Software Carbon Intensity report (GSF SCI), location- and market-based.
    Report { id: u64 },
    /// Follow a job until it reaches a status, printing each change; fails if the job
    /// ends in another status or the timeout passes.
    Wait {
        id: u64,
        /// open | matched | running | verifying | settled | failed | cancelled | expired
        #[arg(long, default_value = "settled")]
        until: String,
        /// Give up after this many seconds of wall time.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
}

#[derive(Args)]
pub struct PostArgs {
    #[arg(long)]
    from: String,
    /// An example workload: mandelbrot (rendering), mlp (inference), sgd (training).
    #[arg(long, conflicts_with_all = ["module", "opaque"])]
    example: Option<String>,
    /// An uploaded module's hash (with --input-hex).
    #[arg(long)]
    module: Option<String>,
    #[arg(long, default_value = "")]
    input_hex: String,
    /// Opaque work named by this digest (attested verification only).
    #[arg(long)]
    opaque: Option<String>,
    #[arg(long, default_value_t = 50_000_000)]
    fuel: u64,
    /// redundant | optimistic | attested
    #[arg(long, default_value = "optimistic")]
    verification: String,
    /// Replicas for redundant verification.
    #[arg(long, default_value_t = 3)]
    k: u32,
    /// Challenge window for optimistic verification, seconds.
    #[arg(long, default_value_t = 1_800)]
    window: u64,
    /// Share of optimistic reveals audited by re-execution, basis points.
    #[arg(long, default_value_t = 1_000)]
    sample_bps: u32,
    #[arg(long, default_value = "home")]
    class: String,
    #[arg(long, default_value_t = 1)]
    gpus: u32,
    #[arg(long, default_value_t = 1)]
    hours: u32,
    /// First start hour, as hours from now (1 = the next hour).
    #[arg(long, default_value_t = 1)]
    start_in: u64,
    /// The run must end within this many hours from now.
    #[arg(long, default_value_t = 12)]
    deadline_in: u64,
    #[arg(long, default_value_t = 0)]
    min_green_bps: u32,
    /// Pay with slot tokens you hold instead of buying them in the market.
    #[arg(long)]
    held: bool,
    /// Most to pay per GPU-hour in the market, in --quote units.
    #[arg(long, default_value_t = 5_000_000)]
    max_price: u128,
    #[arg(long, default_value = "ugusd")]
    quote: String,
    /// Paid to the providers of accepted results, ughr.
    #[arg(long, default_value_t = 3_000_000)]
    incentive: u128,
    /// Provider and challenger bond, ughr.
    #[arg(long, default_value_t = 1_000_000)]
    bond: u128,
    /// Share of a slashed bond paid to whoever proved the fault, basis points.
    #[arg(long, default_value_t = 5_000)]
    slash_split_bps: u32,
    /// Only devices of this account may run the job (a key name or an address;
    /// repeat for several, at least one per replica).
    #[arg(long = "provider")]
    providers: Vec<String>,
}

fn class_of(name: &str) -> Result<DeviceClass> {
    parse_enum("class", name, "home, regional, datacentre, btc_miner")
}

fn example(name: &str) -> Result<Example> {
    Example::by_name(name).with_context(|| format!("unknown example {name:?} (mandelbrot, mlp, sgd)"))
}

fn task_kind(e: Option<&Example>) -> TaskKind {
    match e.map(|e| e.kind) {
        Some("rendering") => TaskKind::Rendering,
        Some("inference") => TaskKind::Inference,
        Some("training") => TaskKind::Training,
        _ => TaskKind::Generic,
    }
}

async fn post(cli: &Cli, a: &PostArgs) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    // The hours are relative to the chain's clock, which may pass an hour boundary
    // between our read and the block that includes the job; the chain then refuses it
    // as starting in the past, nothing changes, and it is posted again from the new hour.
    // The rejection comes from the block that was being built, so whether the hour
    // moved is read from the first block after the one we counted from.
    let providers = a.providers.iter().map(|p| resolve(cli, p)).collect::<Result<Vec<_>>>()?;
    let mut attempts = 0;
    let lines = loop {
        let read = client.status().await?;
        let now_hour = read.latest_block_time / 3_600;
        attempts += 1;
        match submit_actions(cli, &a.from, post_actions(a, now_hour, &providers)?).await {
            Err(e) if attempts < 3 && is_rejection(&e, &JobsError::Impossible(String::new())) => {
                if block_after(&client, read.height).await?.latest_block_time / 3_600 == now_hour {
                    return Err(e);
                }
                tracing::debug!("posting again from the next hour: {e:#}");
            }
            other => break other?,
        }
    };
    // The id is the newest job of this buyer.
    let buyer = Keyring::new(&HomeLayout::new(home_of(cli)).keys()).get(&a.from)?.address();
    let id = client.jobs(Some(&buyer), None).await?.first().map(|j| j.id.0);
    print(cli.json, &serde_json::json!({ "job": id, "txs": lines }), || {
        format!("{}\njob {} posted", lines.join("\n"), id.map_or("?".into(), |i| i.to_string()))
    });
    Ok(())
}

/// The chain's status once a block above `height` is committed.
async fn block_after(client: &RpcClient, height: u64) -> Result<greenhour_app::rpc::Status> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let status = client.status().await?;
        if status.height > height || std::time::Instant::now() >= deadline {
            return Ok(status);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The actions that post the job of `a` with hours counted from `now_hour`
/// (with the example's module upload first, when an example is named).
fn post_actions(a: &PostArgs, now_hour: u64, providers: &[Address]) -> Result<Vec<AppAction>> {
    let verification = match a.verification.as_str() {
        "redundant" => Verification::Redundant { k: a.k },
        "optimistic" => Verification::Optimistic { window_secs: a.window, sample_bps: a.sample_bps },
        "attested" => Verification::Attested,
        other => bail!("unknown verification {other:?} (redundant, optimistic, attested)"),
    };
    let chosen = a.example.as_deref().map(example).transpose()?;
    let mut actions = Vec::new();
    let workload = match (&chosen, &a.module, &a.opaque) {
        (Some(e), _, _) => {
            let wasm = e.wasm();
            let module = Hash::digest(&wasm);
            actions.push(AppAction::Jobs(JobsAction::UploadWorkload { wasm }));
            Workload::Wasm { module, input: e.demo_input(), fuel: a.fuel }
        }
        (None, Some(hash), _) => Workload::Wasm {
            module: hash.parse().map_err(|_| anyhow::anyhow!("--module is not a hex hash"))?,
            input: hex::decode(&a.input_hex).context("--input-hex")?,
            fuel: a.fuel,
        },
        (None, None, Some(digest)) => {
            Workload::Opaque { digest: digest.parse().map_err(|_| anyhow::anyhow!("--opaque is not a hex hash"))? }
        }
        (None, None, None) => bail!("give --example, --module or --opaque"),
    };
    let pricing = if a.held {
        Pricing::Held
    } else {
        Pricing::Market { quote: a.quote.parse::<Denom>()?, max_price_per_gpu_hour: a.max_price }
    };
    let spec = JobSpec {
        kind: task_kind(chosen.as_ref()),
        class: class_of(&a.class)?,
        gpus: a.gpus,
        hours: a.hours,
        earliest_hour: now_hour + a.start_in,
        deadline_hour: now_hour + a.deadline_in,
        min_green_bps: a.min_green_bps,
        pricing,
        incentive: a.incentive,
        workload,
        verification,
        bond: a.bond,
        slash_split_bps: a.slash_split_bps,
        providers: providers.to_vec(),
    };
    actions.push(AppAction::Jobs(JobsAction::Post { spec }));
    Ok(actions)
}

/// Whether a job in `now` can still reach `target`: statuses only move forward
/// (open → matched → running → verifying → one final status).
fn can_still_reach(now: JobStatus, target: JobStatus) -> bool {
    fn step(s: JobStatus) -> u8 {
        match s {
            JobStatus::Open => 0,
            JobStatus::Matched => 1,
            JobStatus::Running => 2,
            JobStatus::Verifying => 3,
            JobStatus::Settled | JobStatus::Failed | JobStatus::Cancelled | JobStatus::Expired => 4,
        }
    }
    now == target || (!now.is_final() && step(now) < step(target))
}

async fn wait(cli: &Cli, client: &RpcClient, id: u64, until: &str, timeout: Duration) -> Result<()> {
    let target: JobStatus =
        parse_enum("--until", until, "open, matched, running, verifying, settled, failed, cancelled, expired")?;
    let deadline = std::time::Instant::now() + timeout;
    let mut seen = None;
    loop {
        let job: Job = serde_json::from_value(client.job(id).await?)?;
        if seen != Some(job.status) {
            seen = Some(job.status);
            if !cli.json {
                println!("{}", summary(&job));
            }
        }
        if job.status == target {
            if cli.json {
                print(true, &job, String::new);
            }
            return Ok(());
        }
        if !can_still_reach(job.status, target) {
            bail!("job {id} is {}; it can no longer become {}", status_name(job.status), status_name(target));
        }
        if std::time::Instant::now() >= deadline {
            bail!("job {id} is still {} after {} s", status_name(job.status), timeout.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn status_name(s: JobStatus) -> String {
    format!("{s:?}").to_lowercase()
}

fn summary(j: &Job) -> String {
    let start = j.start_hour.map_or("-".to_string(), |h| h.to_string());
    let devices: Vec<String> =
        j.replicas.iter().map(|r| format!("{}:{:?}", r.device, r.outcome).to_lowercase()).collect();
    format!(
        "job {}  {:<9}  {:?} {} GPU × {} h  {}  start hour {}  devices [{}]",
        j.id,
        status_name(j.status),
        j.spec.kind,
        j.spec.gpus,
        j.spec.hours,
        j.spec.verification.name(),
        start,
        devices.join(" ")
    )
}

pub async fn run(cli: &Cli, c: &JobCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match c {
        JobCommand::Upload { from, example: name, file } => {
            let wasm = match (name, file) {
                (Some(n), _) => example(n)?.wasm(),
                (None, Some(path)) => {
                    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                    wat::parse_bytes(&bytes).context("not WASM or WAT")?.into_owned()
                }
                (None, None) => bail!("give --example or --file"),
            };
            let hash = Hash::digest(&wasm);
            let lines = submit_actions(cli, from, vec![AppAction::Jobs(JobsAction::UploadWorkload { wasm })]).await?;
            print(cli.json, &serde_json::json!({ "hash": hash, "txs": lines }), || {
                format!("{}\nworkload {hash}", lines.join("\n"))
            });
        }
        JobCommand::Post(a) => post(cli, a).await?,
        JobCommand::Wait { id, until, timeout } => {
            wait(cli, &client, *id, until, Duration::from_secs(*timeout)).await?
        }
        JobCommand::Show { id } => {
            let view = client.job(*id).await?;
            let job: Job = serde_json::from_value(view.clone())?;
            print(cli.json, &view, || {
                let l = &job.ledger;
                format!(
                    "{}\nescrow: quote in {} spent {} refunded {}; ughr in {} paid {} fees {} refunded {} bonds back {} slashed {} rewards {}{}",
                    summary(&job),
                    l.quote_in,
                    l.quote_spent,
                    l.quote_refunded,
                    l.ghr_in,
                    l.paid,
                    l.fees,
                    l.refunded,
                    l.bonds_returned,
                    l.slashed,
                    l.rewards,
                    job.result.map_or(String::new(), |h| format!("\nresult {h}"))
                )
            });
        }
        JobCommand::List { buyer, operator } => {
            let buyer = buyer.as_deref().map(|who| resolve(cli, who)).transpose().context("--buyer")?;
            let operator = operator.as_deref().map(|who| resolve(cli, who)).transpose().context("--operator")?;
            let jobs = client.jobs(buyer.as_ref(), operator.as_ref()).await?;
            print(cli.json, &jobs, || {
                if jobs.is_empty() {
                    "no jobs".into()
                } else {
                    jobs.iter().map(summary).collect::<Vec<_>>().join("\n")
                }
            });
        }
        JobCommand::Cancel { from, id } => {
            let lines =
                submit_actions(cli, from, vec![AppAction::Jobs(JobsAction::Cancel { job: JobId(*id) })]).await?;
            print(cli.json, &lines, || lines.join("\n"));
        }
        JobCommand::Challenge { from, id } => {
            let lines =
                submit_actions(cli, from, vec![AppAction::Jobs(JobsAction::Challenge { job: JobId(*id) })]).await?;
            let job = client.job_record(*id).await?;
            print(cli.json, &job, || format!("{}\n{}", lines.join("\n"), summary(&job)));
        }
        JobCommand::Report { id } => {
            let view = client.job(*id).await?;
            let report = view.get("report").cloned().unwrap_or_default();
            if report.is_null() {
                bail!("job {id} has no SCI report yet (it is written at settlement)");
            }
            let r: greenhour_jobs::SciReport = serde_json::from_value(report)?;
            print(cli.json, &r, || sci_text(&r));
        }
    }
    Ok(())
}

fn grams(mg: Option<u64>) -> String {
    mg.map_or("unavailable (grid intensity feed stale)".into(), |mg| format!("{:.3} gCO2e", mg as f64 / 1_000.0))
}

fn sci_text(r: &greenhour_jobs::SciReport) -> String {
    format!(
        "SCI report for job {} ({}{})\n  GPU-hours delivered      {}\n  energy E                 {} Wh ({:?})\n  own green energy         {} Wh{}\n  grid intensity I         {}\n  embodied M               {:.3} gCO2e\n  location-based (E·I+M)   {}\n  market-based             {}\n  per GPU-hour (location)  {}",
        r.job,
        r.verification,
        if r.attested_only { ", attested only: the work itself was not re-checked" } else { "" },
        r.gpu_hours,
        r.energy_wh,
        r.energy_source,
        r.green_wh,
        match r.receipt {
            Some(receipt) => format!(
                " (certificates {} claimed for the buyer, receipt {}/{receipt})",
                r.certificates.iter().map(|(f, l)| format!("{f}..={l}")).collect::<Vec<_>>().join(", "),
                greenhour_carbon::RECEIPT_CLASS
            ),
            None => String::new(),
        },
        r.grid_g_per_kwh.map_or("unavailable".into(), |i| format!("{i} gCO2e/kWh")),
        r.embodied_mg as f64 / 1_000.0,
        grams(r.location_based_mg),
        grams(r.market_based_mg),
        grams(r.location_mg_per_gpu_hour),
    )
}

#[derive(Subcommand)]
pub enum WorkerCommand {
    /// Run the jobs assigned to the devices of `--from`'s account: execute each
    /// WASM workload, commit and reveal (redundant) or reveal with a bond.
    Run {
        #[arg(long)]
        from: String,
        /// Handle what is due now, then exit.
        #[arg(long)]
        once: bool,
        #[arg(long, default_value_t = 2)]
        poll_secs: u64,
        /// Demo only: submit wrong outputs, to watch verification catch them.
        #[arg(long)]
        cheat: bool,
        /// Serve only this job (repeat for several) and exit once results for all of
        /// them are in; without it, every assigned job until stopped.
        #[arg(long = "job")]
        only: Vec<u64>,
        /// With --job: give up after this many seconds of wall time.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
}

pub async fn run_worker(cli: &Cli, c: &WorkerCommand) -> Result<()> {
    let WorkerCommand::Run { from, once, poll_secs, cheat, only, timeout } = c;
    let only: std::collections::BTreeSet<u64> = only.iter().copied().collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(*timeout);
    let mut finished = std::collections::BTreeSet::new();
    let client = RpcClient::new(&cli.node);
    let key = Keyring::new(&HomeLayout::new(home_of(cli)).keys()).get(from)?;
    let me = key.address();
    let status = client.status().await?;
    let mut wallet = Wallet::new(key, status.chain_id.parse().map_err(|e| anyhow::anyhow!("{e}"))?, status.min_fee);
    let mut worker = greenhour_agent::Worker::new(*cheat);
    loop {
        match work_once(&client, &mut wallet, &me, &mut worker, &only).await {
            Ok(lines) => {
                for (job, line) in lines {
                    println!("{line}");
                    if let Some(job) = job {
                        finished.insert(job);
                    }
                }
            }
            // The node may be restarting: keep the loop alive, re-fetch the nonce.
            Err(e) if !*once => {
                eprintln!("worker: {e:#}; retrying");
                wallet.forget_nonce();
            }
            Err(e) => return Err(e),
        }
        if *once || (!only.is_empty() && only.is_subset(&finished)) {
            return Ok(());
        }
        if !only.is_empty() && std::time::Instant::now() >= deadline {
            bail!("results for {} of the {} jobs asked for in {timeout} s", finished.len(), only.len());
        }
        tokio::time::sleep(Duration::from_secs(*poll_secs)).await;
    }
}

/// One pass over the operator's assigned jobs; returns what it did, each line
/// with the job whose result is now in (a reveal that was included).
async fn work_once(
    client: &RpcClient,
    wallet: &mut Wallet,
    me: &greenhour_primitives::Address,
    worker: &mut greenhour_agent::Worker,
    only: &std::collections::BTreeSet<u64>,
) -> Result<Vec<(Option<u64>, String)>> {
    let now = client.status().await?.latest_block_time;
    let mut done = Vec::new();
    for due in worker.due(client, me, now).await?.into_iter().filter(|d| only.is_empty() || only.contains(&d.job)) {
        let line = format!("job {} device {}: {}", due.job, due.device, due.what);
        let revealed = matches!(due.action, JobsAction::Reveal { .. });
        match wallet.commit(client, vec![AppAction::Jobs(due.action)]).await? {
            greenhour_client::Committed::Included(_) => done.push((revealed.then_some(due.job), line)),
            greenhour_client::Committed::Refused(why) => done.push((None, format!("{line} refused: {why}"))),
        }
    }
    Ok(done)
}

#[derive(Subcommand)]
pub enum SchedulerCommand {
    /// Plan the open jobs of a class over the next 24 hours with the carbon-aware
    /// scheduler and submit the plan to the block's solver auction.
    Propose {
        #[arg(long)]
        from: String,
        #[arg(long, default_value = "home")]
        class: String,
        /// Also solve the LP relaxation and report the plan's distance to it.
        #[arg(long)]
        bound: bool,
        /// Print the plan without submitting it.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run_scheduler(cli: &Cli, c: &SchedulerCommand) -> Result<()> {
    use greenhour_scheduler::{greedy, lp_bound, Device, Job as Req, Problem};
    let SchedulerCommand::Propose { from, class, bound, dry_run } = c;
    let class_id = class_of(class)?;
    let client = RpcClient::new(&cli.node);
    let first = next_hour_after(client.status().await?.latest_block_time);
    let horizon = 24u32;
    let open: Vec<Job> = client
        .jobs(None, None)
        .await?
        .into_iter()
        // Jobs that name their providers are left to the chain's matcher: the
        // scheduler's model has no per-job device sets (yet).
        .filter(|j| j.status == JobStatus::Open && j.spec.class == class_id && j.spec.providers.is_empty())
        .collect();
    // Devices seen in any hour, with their free GPUs per hour and the green share the chain ranks by.
    let mut devices: BTreeMap<u64, Device> = BTreeMap::new();
    let mut owners: BTreeMap<String, u64> = BTreeMap::new();
    for h in 0..horizon {
        for row in client.capacity(class, first + h as u64).await? {
            let id = row["device"].as_u64().unwrap_or_default();
            if row["active"] != true {
                continue;
            }
            let owner_name = row["owner"].as_str().unwrap_or_default().to_string();
            let next = owners.len() as u64;
            let owner = *owners.entry(owner_name).or_insert(next);
            let green = row["green_bps"].as_u64().unwrap_or(0) as u32;
            let d = devices.entry(id).or_insert_with(|| Device {
                id,
                owner,
                free: vec![0; horizon as usize],
                green_bps: vec![green; horizon as usize],
            });
            d.free[h as usize] = row["free"].as_u64().unwrap_or(0) as u32;
        }
    }
    let mut ids = Vec::new();
    let jobs: Vec<Req> = open
        .iter()
        .filter_map(|j| {
            let earliest = j.spec.earliest_hour.max(first).checked_sub(first)? as u32;
            let latest_start = (j.spec.deadline_hour.checked_sub(j.spec.hours as u64)?.checked_sub(first)?)
                .min((horizon - j.spec.hours.min(horizon)) as u64) as u32;
            (earliest <= latest_start).then(|| {
                ids.push(j.id);
                Req {
                    id: j.id.0,
                    gpus: j.spec.gpus,
                    hours: j.spec.hours,
                    replicas: j.spec.verification.replicas(),
                    earliest,
                    latest_start,
                    min_green_bps: j.spec.min_green_bps,
                }
            })
        })
        .collect();
    let problem = Problem { horizon, devices: devices.into_values().collect(), jobs };
    let plan = greedy(&problem);
    let metrics = problem.check(&plan)?;
    let lp = if *bound { Some(lp_bound(&problem)?) } else { None };
    let assignments: Vec<greenhour_jobs::state::Assignment> = plan
        .placements
        .iter()
        .map(|p| greenhour_jobs::state::Assignment {
            job: ids[p.job],
            start_hour: first + p.start as u64,
            devices: p.devices.iter().map(|d| greenhour_devices::DeviceId(problem.devices[*d].id)).collect(),
        })
        .collect();
    let submitted = if assignments.is_empty() || *dry_run {
        Vec::new()
    } else {
        submit_actions(cli, from, vec![AppAction::Jobs(JobsAction::Propose { assignments: assignments.clone() })])
            .await?
    };
    let out = serde_json::json!({
        "open_jobs": open.len(), "placed": metrics.jobs_placed, "green_gpu_hours": metrics.green_gpu_hours,
        "lp_bound": lp, "assignments": assignments, "txs": submitted,
    });
    print(cli.json, &out, || {
        let gap = lp.map_or(String::new(), |b| {
            format!(" = {:.4} of the LP bound {b:.2}", metrics.green_gpu_hours / b.max(1e-9))
        });
        format!(
            "{} open {class} jobs; plan places {} ({:.2} green GPU-hours{gap})\n{}",
            open.len(),
            metrics.jobs_placed,
            metrics.green_gpu_hours,
            if submitted.is_empty() { "not submitted".into() } else { submitted.join("\n") }
        )
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_gives_up_only_once_its_status_is_out_of_reach() {
        use JobStatus::*;
        assert!(can_still_reach(Open, Settled));
        assert!(can_still_reach(Running, Verifying));
        assert!(can_still_reach(Verifying, Verifying));
        assert!(!can_still_reach(Settled, Verifying), "an attested job can pass verifying between two reads");
        assert!(!can_still_reach(Failed, Settled));
        assert!(!can_still_reach(Verifying, Running));
        assert!(can_still_reach(Expired, Expired));
    }
}
