//! Matching and the solver auction: the per-block batch matcher over pledged
//! capacity, plans and their execution, and proposals scored against the matcher.

use super::*;

/// A feasible placement of one job.
pub(super) struct Plan {
    start_hour: u64,
    score: Score,
    /// (device, operator, green bps).
    devices: Vec<(DeviceId, Address, u32)>,
}

/// What one block's matcher knows about capacity. Each (class, hour) is loaded
/// once per block — the pools capacity index less the GPUs already busy — and
/// every assignment in the batch updates it in memory, so a batch of many jobs
/// reads each device and each capacity row once.
pub(super) struct Batch {
    /// Devices seen so far: `Some((green bps, owner))` when active, else `None`.
    devices: BTreeMap<DeviceId, Option<(u32, Address)>>,
    hours: BTreeMap<(DeviceClass, u64), HourCapacity>,
    first_day: u64,
}

/// Free GPUs of one class in one hour, with the devices ranked greenest first.
pub(super) struct HourCapacity {
    /// (device, free GPUs) of active devices, in device order (binary-searched).
    free: Vec<(DeviceId, u32)>,
    /// (green bps, index into `free`), green descending then device ascending.
    ranked: Vec<(u32, u32)>,
    /// Every ranked entry before this one has no free GPU left.
    head: usize,
}

impl HourCapacity {
    fn free_of(&self, device: DeviceId) -> u32 {
        self.free.binary_search_by_key(&device, |e| e.0).map(|i| self.free[i].1).unwrap_or(0)
    }
    /// Moves the head past devices with nothing free; the greenest free entry.
    fn skip_full(&mut self) -> Option<(u32, DeviceId)> {
        while let Some(&(green, i)) = self.ranked.get(self.head) {
            let (device, left) = self.free[i as usize];
            if left > 0 {
                return Some((green, device));
            }
            self.head += 1;
        }
        None
    }
}

impl Batch {
    fn new(now: UnixSeconds, params: &JobsParams) -> Batch {
        Batch {
            devices: BTreeMap::new(),
            hours: BTreeMap::new(),
            first_day: (now / DAY).saturating_sub(params.green_window_days as u64),
        }
    }

    fn device(&mut self, state: &impl StateRead, id: DeviceId) -> Result<Option<(u32, Address)>, JobsError> {
        if let Some(known) = self.devices.get(&id) {
            return Ok(*known);
        }
        let d = devices::device(state, id)?;
        let info = (d.status == DeviceStatus::Active)
            .then(|| {
                Ok::<_, JobsError>((devices::window_totals(state, &d, self.first_day)?.green_share_bps(), d.owner))
            })
            .transpose()?;
        self.devices.insert(id, info);
        Ok(info)
    }

    fn load(&mut self, state: &impl StateRead, class: DeviceClass, hour: u64) -> Result<(), JobsError> {
        if self.hours.contains_key(&(class, hour)) {
            return Ok(());
        }
        let busy: BTreeMap<DeviceId, u32> = state
            .prefix::<u32>(&keys::busy_of(hour))?
            .into_iter()
            .filter_map(|(k, units)| k.rsplit('/').next().and_then(|d| d.parse().ok()).map(|d| (DeviceId(d), units)))
            .collect();
        let rows = pools::capacity_at(state, class, hour)?;
        let mut ranked = Vec::with_capacity(rows.len());
        let mut free = Vec::with_capacity(rows.len());
        for (device, units) in rows {
            let left = units.saturating_sub(busy.get(&device).copied().unwrap_or(0));
            if left == 0 {
                continue;
            }
            if let Some((green, _)) = self.device(state, device)? {
                ranked.push((green, free.len() as u32));
                free.push((device, left));
            }
        }
        // `free` is in device order, so index order is device order.
        ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.hours.insert((class, hour), HourCapacity { ranked, free, head: 0 });
        Ok(())
    }

    fn free(&self, class: DeviceClass, hour: u64, device: DeviceId) -> u32 {
        self.hours.get(&(class, hour)).map_or(0, |h| h.free_of(device))
    }

    /// The green share of the greenest device with a free GPU in `hour` (an upper
    /// bound on any plan starting then), skipping full devices at the head.
    fn greenest(&mut self, state: &impl StateRead, class: DeviceClass, hour: u64) -> Result<Option<u32>, JobsError> {
        self.load(state, class, hour)?;
        Ok(self.hours.get_mut(&(class, hour)).and_then(HourCapacity::skip_full).map(|(green, _)| green))
    }

    /// The `k` greenest active devices of distinct owners with `gpus` free GPUs
    /// in every hour of a run starting at `start` and at least `min_green`.
    fn plan(&mut self, state: &impl StateRead, spec: &JobSpec, start: u64) -> Result<Option<Plan>, JobsError> {
        let k = spec.verification.replicas() as usize;
        let run = start..start + spec.hours as u64;
        for hour in run.clone() {
            self.load(state, spec.class, hour)?;
        }
        let Some(first) = self.hours.get_mut(&(spec.class, start)) else { return Ok(None) };
        if first.skip_full().is_none() {
            return Ok(None);
        }
        let first = &self.hours[&(spec.class, start)];
        let mut chosen: Vec<(DeviceId, Address, u32)> = Vec::with_capacity(k);
        for &(green, i) in &first.ranked[first.head..] {
            let device = first.free[i as usize].0;
            if chosen.len() == k || green < spec.min_green_bps {
                break;
            }
            if run.clone().any(|h| self.free(spec.class, h, device) < spec.gpus) {
                continue;
            }
            let Some((_, owner)) = self.devices.get(&device).copied().flatten() else { continue };
            // Replicas that check each other must not share an owner.
            if !spec.admits(&owner) || chosen.iter().any(|c| c.1 == owner) {
                continue;
            }
            chosen.push((device, owner, green));
        }
        if chosen.len() < k {
            return Ok(None);
        }
        let green_bps_gpu_hours = chosen.iter().map(|c| c.2 as u64 * spec.gpus as u64 * spec.hours as u64).sum();
        Ok(Some(Plan {
            start_hour: start,
            score: Score { green_bps_gpu_hours, cost: 0, start_hour: start },
            devices: chosen,
        }))
    }

    fn take(&mut self, class: DeviceClass, plan: &Plan, hours: u32, gpus: u32) {
        for (device, _, _) in &plan.devices {
            for hour in plan.start_hour..plan.start_hour + hours as u64 {
                if let Some(h) = self.hours.get_mut(&(class, hour)) {
                    if let Ok(i) = h.free.binary_search_by_key(device, |e| e.0) {
                        h.free[i].1 = h.free[i].1.saturating_sub(gpus);
                    }
                }
            }
        }
    }
}

/// Considers the next page of open jobs (round robin) and places each on its
/// best-scoring feasible hour and devices; expires those that can no longer start.
pub(super) fn match_open(state: &mut impl StateWrite, now: UnixSeconds, params: &JobsParams) -> Result<(), JobsError> {
    let limit = params.match_per_block as usize;
    if limit == 0 {
        return Ok(());
    }
    let cursor = state.get(&keys::match_cursor())?.unwrap_or_default();
    let from = if cursor.is_empty() { String::new() } else { format!("{cursor}\0") };
    let page = state.scan::<()>(keys::OPEN_PREFIX, &from, limit)?;
    match page.last() {
        Some((last, _)) if page.len() == limit => state.put(&keys::match_cursor(), last),
        _ => state.delete(&keys::match_cursor()),
    }
    let mut batch = Batch::new(now, params);
    for (key, _) in page {
        let id = key[keys::OPEN_PREFIX.len()..]
            .parse()
            .map_err(|_| JobsError::Accounting(format!("{key}: not an open-job key")))?;
        let job = state::job(state, JobId(id))?;
        try_match(state, &mut batch, job, now, params)?;
    }
    Ok(())
}

/// The cost of a plan in the job's quote, if the buyer can pay it (market
/// price within the escrowed budget, or enough held slots).
pub(super) fn affordable(
    state: &impl StateRead,
    job: &Job,
    start: u64,
    now: UnixSeconds,
) -> Result<Option<Amount>, JobsError> {
    let spec = &job.spec;
    let per_hour = spec.gpus as u128 * spec.verification.replicas() as u128;
    match &spec.pricing {
        Pricing::Held => {
            for hour in start..start + spec.hours as u64 {
                let slot = pools::slot_denom(SlotUnit::GpuHour, spec.class, hour);
                if bank::balance(state, &job.buyer, &slot)? < per_hour {
                    return Ok(None);
                }
            }
            Ok(Some(0))
        }
        Pricing::Market { quote, .. } => {
            let first_slot = pools::slot_denom(SlotUnit::GpuHour, spec.class, start);
            Ok(match greenhour_market::api::route(state, &first_slot, spec.hours, per_hour, quote, now) {
                Ok((_, total)) if total <= job.ledger.quote_held() => Some(total),
                _ => None,
            })
        }
    }
}

/// The hours a job may still start in: `(first, last)`, empty when `first > last`.
pub(super) fn start_window(job: &Job, now: UnixSeconds) -> (u64, u64) {
    (job.spec.earliest_hour.max(now / HOUR + 1), job.spec.deadline_hour - job.spec.hours as u64)
}

pub(super) fn try_match(
    state: &mut impl StateWrite,
    batch: &mut Batch,
    mut job: Job,
    now: UnixSeconds,
    params: &JobsParams,
) -> Result<(), JobsError> {
    let (first, last) = start_window(&job, now);
    if first > last {
        refund_unmatched(state, &mut job)?;
        return close(state, job, JobStatus::Expired, now, "no feasible start hour remains");
    }
    match best_plan(state, batch, &job, now, params)? {
        Some(plan) => execute_plan(state, batch, job, plan, now),
        None => Ok(()),
    }
}

/// The chain's own best plan for `job` against the batch's picture, if any.
pub(super) fn best_plan(
    state: &impl StateRead,
    batch: &mut Batch,
    job: &Job,
    now: UnixSeconds,
    params: &JobsParams,
) -> Result<Option<Plan>, JobsError> {
    let (first, last) = start_window(job, now);
    // Greenest first; among equally green plans the cheapest, then the earliest.
    // An hour whose greenest free device cannot beat the best plan so far is not
    // planned, and prices are read only for plans that could win.
    let held = job.spec.pricing == Pricing::Held;
    let per_plan = job.spec.gpus as u64 * job.spec.hours as u64 * job.spec.verification.replicas() as u64;
    let mut best: Option<Plan> = None;
    for start in first..=last.min(first + params.search_hours.max(1) as u64 - 1) {
        let beaten = |green: u64, best: &Option<Plan>| {
            best.as_ref()
                .is_some_and(|b| green < b.score.green_bps_gpu_hours || (held && green == b.score.green_bps_gpu_hours))
        };
        let Some(top) = batch.greenest(state, job.spec.class, start)? else { continue };
        if beaten(top as u64 * per_plan, &best) {
            continue;
        }
        let Some(mut plan) = batch.plan(state, &job.spec, start)? else { continue };
        if beaten(plan.score.green_bps_gpu_hours, &best) {
            continue;
        }
        let Some(cost) = affordable(state, job, start, now)? else { continue };
        plan.score.cost = cost;
        if best.as_ref().is_none_or(|b| plan.score > b.score) {
            best = Some(plan);
        }
    }
    Ok(best)
}

/// Carries out a plan: pays for the slots, books the GPUs, records the replicas.
/// Post-condition: the job is `matched`, the jobs account holds `gpus × k` slots
/// of every run hour for it, and the busy index grew by exactly the plan.
pub(super) fn execute_plan(
    state: &mut impl StateWrite,
    batch: &mut Batch,
    mut job: Job,
    plan: Plan,
    now: UnixSeconds,
) -> Result<(), JobsError> {
    let k = job.spec.verification.replicas() as u128;
    let per_hour = job.spec.gpus as u128 * k;
    let first_slot = pools::slot_denom(SlotUnit::GpuHour, job.spec.class, plan.start_hour);
    let mut cost = 0;
    match job.spec.pricing.clone() {
        Pricing::Market { quote, .. } => {
            let budget = job.ledger.quote_held();
            cost = greenhour_market::api::buy_hours(
                state,
                &custody(),
                now,
                &first_slot,
                job.spec.hours,
                per_hour,
                &quote,
                budget,
            )?;
            job.ledger.quote_spent += cost;
            let rest = job.ledger.quote_held();
            pay(state, &job.buyer, &quote, rest)?;
            job.ledger.quote_refunded += rest;
        }
        Pricing::Held => {
            for hour in plan.start_hour..plan.start_hour + job.spec.hours as u64 {
                let slot = pools::slot_denom(SlotUnit::GpuHour, job.spec.class, hour);
                bank::transfer(state, &job.buyer, &custody(), &Coin::new(slot, per_hour))?;
            }
        }
    }
    batch.take(job.spec.class, &plan, job.spec.hours, job.spec.gpus);
    for (device, operator, green_bps) in &plan.devices {
        for hour in plan.start_hour..plan.start_hour + job.spec.hours as u64 {
            state::add_busy(state, hour, *device, job.spec.gpus as i64)?;
        }
        state.put(&keys::assigned(operator, job.id), &());
        // The paid position: the device's first position covering the start hour.
        let position = pools::live_positions(state, *device)?
            .into_iter()
            .find(|p| p.unit == SlotUnit::GpuHour && p.class == job.spec.class && p.covers(plan.start_hour))
            .map(|p| p.serial);
        job.replicas.push(Replica {
            device: *device,
            operator: *operator,
            position,
            green_bps: *green_bps,
            commitment: None,
            output_hash: None,
            bond: 0,
            outcome: ReplicaOutcome::Pending,
        });
    }
    job.start_hour = Some(plan.start_hour);
    job.status = JobStatus::Matched;
    state.delete(&keys::open(job.id));
    state::reschedule(state, &mut job, Some(plan.start_hour * HOUR));
    state::put_job(state, &job);
    state.emit(event::matched(&job, cost));
    Ok(())
}

/// A proposal's total score: green bps·GPU-hours (higher wins), then cost (lower wins).
pub(super) fn better(a: (u64, Amount), b: (u64, Amount)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

impl Batch {
    /// Checks a solver's placement against the batch's picture: the run fits the
    /// job's window, one device per replica, distinct owners, each active, green
    /// enough and with `gpus` free in every hour of the run.
    fn check_plan(
        &mut self,
        state: &impl StateRead,
        job: &Job,
        a: &Assignment,
        now: UnixSeconds,
    ) -> Result<Plan, JobsError> {
        let spec = &job.spec;
        let no = |why: String| JobsError::InfeasibleAssignment { job: job.id, why };
        let (first, last) = start_window(job, now);
        if a.start_hour < first || a.start_hour > last {
            return Err(no(format!("start hour {} is outside {first}..={last}", a.start_hour)));
        }
        if a.devices.len() != spec.verification.replicas() as usize {
            return Err(no(format!("{} devices for {} replicas", a.devices.len(), spec.verification.replicas())));
        }
        let run = a.start_hour..a.start_hour + spec.hours as u64;
        for hour in run.clone() {
            self.load(state, spec.class, hour)?;
        }
        let mut chosen: Vec<(DeviceId, Address, u32)> = Vec::new();
        for &device in &a.devices {
            let Some((green, owner)) = self.device(state, device)? else {
                return Err(no(format!("device {device} is not active")));
            };
            if green < spec.min_green_bps {
                return Err(no(format!("device {device} is {green} bps green, below {}", spec.min_green_bps)));
            }
            if let Some(hour) = run.clone().find(|h| self.free(spec.class, *h, device) < spec.gpus) {
                return Err(no(format!("device {device} lacks {} free GPUs in hour {hour}", spec.gpus)));
            }
            if !spec.admits(&owner) {
                return Err(no(format!("device {device}'s operator {owner} is not among the job's providers")));
            }
            if chosen.iter().any(|c| c.1 == owner) {
                return Err(no(format!("device {device} shares its owner with another replica")));
            }
            chosen.push((device, owner, green));
        }
        let green_bps_gpu_hours = chosen.iter().map(|c| c.2 as u64 * spec.gpus as u64 * spec.hours as u64).sum();
        Ok(Plan {
            start_hour: a.start_hour,
            score: Score { green_bps_gpu_hours, cost: 0, start_hour: a.start_hour },
            devices: chosen,
        })
    }
}

/// Plans of a proposal's jobs and its total score.
type Scored = (Vec<(Job, Plan)>, (u64, Amount));

/// Validates every assignment in order on one fresh batch: the plans and their total score.
pub(super) fn score_proposal(
    state: &impl StateRead,
    assignments: &[Assignment],
    now: UnixSeconds,
    params: &JobsParams,
) -> Result<Scored, JobsError> {
    let mut batch = Batch::new(now, params);
    let mut plans: Vec<(Job, Plan)> = Vec::with_capacity(assignments.len());
    let (mut green, mut cost) = (0u64, 0 as Amount);
    for a in assignments {
        let job = state::job(state, a.job)?;
        if job.status != JobStatus::Open {
            return Err(JobsError::WrongStatus { job: a.job, status: job.status, action: "propose" });
        }
        if plans.iter().any(|(j, _)| j.id == a.job) {
            return Err(JobsError::InfeasibleAssignment { job: a.job, why: "listed twice".into() });
        }
        let mut plan = batch.check_plan(state, &job, a, now)?;
        plan.score.cost = affordable(state, &job, a.start_hour, now)?
            .ok_or(JobsError::InfeasibleAssignment { job: a.job, why: "the buyer cannot pay for that hour".into() })?;
        batch.take(job.spec.class, &plan, job.spec.hours, job.spec.gpus);
        green += plan.score.green_bps_gpu_hours;
        cost = cost.checked_add(plan.score.cost).ok_or(JobsError::Overflow)?;
        plans.push((job, plan));
    }
    Ok((plans, (green, cost)))
}

/// Post-condition: the stored proposal is the block's best feasible one.
pub(super) fn propose(state: &mut impl StateWrite, tx: &TxCtx, assignments: &[Assignment]) -> Result<(), JobsError> {
    let params = state::params(state)?;
    if assignments.len() > params.max_proposal_jobs as usize {
        return Err(JobsError::Impossible(format!("at most {} assignments per proposal", params.max_proposal_jobs)));
    }
    let (_, score) = score_proposal(state, assignments, tx.block.time, &params)?;
    if let Some(best) = state.get(&keys::proposal())? {
        if !better(score, (best.green, best.cost)) {
            return Err(JobsError::ProposalNotBetter {
                green: score.0,
                cost: score.1,
                best_green: best.green,
                best_cost: best.cost,
            });
        }
    }
    let stored = StoredProposal { solver: tx.signer, assignments: assignments.to_vec(), green: score.0, cost: score.1 };
    state.put(&keys::proposal(), &stored);
    state.emit(event::proposed(&tx.signer, assignments.len(), score.0, score.1));
    Ok(())
}

/// The solver auction, before the matcher's own batch: the block's best proposal
/// is re-validated and compared with what the matcher would do for the same jobs
/// (a dry run in job order); it is carried out only if it scores higher.
pub(super) fn run_auction(state: &mut impl StateWrite, now: UnixSeconds, params: &JobsParams) -> Result<(), JobsError> {
    let Some(proposal) = state.get(&keys::proposal())? else { return Ok(()) };
    state.delete(&keys::proposal());
    let (plans, score) = match score_proposal(state, &proposal.assignments, now, params) {
        Ok(scored) => scored,
        Err(e) => {
            state.emit(event::auction(
                &proposal.solver,
                (proposal.green, proposal.cost),
                (0, 0),
                &format!("infeasible at block end: {e}"),
            ));
            return Ok(());
        }
    };
    let mut dry = Batch::new(now, params);
    let mut jobs: Vec<&Job> = plans.iter().map(|(j, _)| j).collect();
    jobs.sort_by_key(|j| j.id);
    let (mut green, mut cost) = (0u64, 0 as Amount);
    for job in jobs {
        if let Some(plan) = best_plan(state, &mut dry, job, now, params)? {
            dry.take(job.spec.class, &plan, job.spec.hours, job.spec.gpus);
            green += plan.score.green_bps_gpu_hours;
            cost = cost.saturating_add(plan.score.cost);
        }
    }
    if !better(score, (green, cost)) {
        state.emit(event::auction(&proposal.solver, score, (green, cost), "the matcher's own plan is as good"));
        return Ok(());
    }
    let mut batch = Batch::new(now, params);
    for (job, plan) in plans {
        // Earlier purchases in this loop move prices: re-price before buying.
        if affordable(state, &job, plan.start_hour, now)?.is_none() {
            continue;
        }
        execute_plan(state, &mut batch, job, plan, now)?;
    }
    state.emit(event::auction(&proposal.solver, score, (green, cost), "accepted"));
    Ok(())
}
