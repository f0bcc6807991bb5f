//! The job worker: from the jobs assigned to an operator's devices, the next
//! submission each replica owes.

use greenhour_client::{ClientError, RpcClient};
use greenhour_jobs::{Job, JobStatus, JobsAction, Replica, Verification, Workload};
use greenhour_primitives::{Address, Hash, UnixSeconds};
use std::collections::BTreeMap;

/// One submission a replica owes now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub job: u64,
    pub device: u64,
    /// `committed` or `revealed`, for logs.
    pub what: &'static str,
    pub action: JobsAction,
}

/// Remembers outputs (recomputed after a restart, since runs are deterministic)
/// and the modules it fetched.
#[derive(Default)]
pub struct Worker {
    outputs: BTreeMap<(u64, u64), Vec<u8>>,
    modules: BTreeMap<Hash, Vec<u8>>,
    /// Demo only: submit wrong outputs, to watch verification catch them.
    pub cheat: bool,
}

impl Worker {
    pub fn new(cheat: bool) -> Self {
        Worker { cheat, ..Default::default() }
    }

    /// Every submission `operator`'s replicas owe at chain time `now`.
    pub async fn due(
        &mut self,
        client: &RpcClient,
        operator: &Address,
        now: UnixSeconds,
    ) -> Result<Vec<Due>, ClientError> {
        let mut out = Vec::new();
        for job in client.jobs(None, Some(operator)).await? {
            let Some(start) = job.start() else { continue };
            if now < start || job.status.is_final() {
                continue;
            }
            for replica in job.replicas.iter().filter(|r| r.operator == *operator) {
                if let Some(action) = self.next_step(client, &job, replica).await? {
                    let what = if matches!(action, JobsAction::Commit { .. }) { "committed" } else { "revealed" };
                    out.push(Due { job: job.id.0, device: replica.device.0, what, action });
                }
            }
        }
        Ok(out)
    }

    /// Forgets what it computed for finished jobs (bounded memory on a long run).
    pub fn forget(&mut self, job: u64) {
        self.outputs.retain(|(j, _), _| *j != job);
    }

    async fn output(
        &mut self,
        client: &RpcClient,
        job: &Job,
        replica: &Replica,
    ) -> Result<Option<Vec<u8>>, ClientError> {
        if let Some(o) = self.outputs.get(&(job.id.0, replica.device.0)) {
            return Ok(Some(o.clone()));
        }
        let mut output = match &job.spec.workload {
            Workload::Wasm { module, input, fuel } => {
                if !self.modules.contains_key(module) {
                    self.modules.insert(*module, client.workload(module).await?);
                }
                let limits = greenhour_workloads::Limits { fuel: *fuel, ..Default::default() };
                match greenhour_workloads::run(&self.modules[module], input, &limits) {
                    Ok(o) => o.output,
                    Err(_) => return Ok(None),
                }
            }
            Workload::Opaque { .. } => Vec::new(),
        };
        if self.cheat {
            output.iter_mut().for_each(|b| *b = b.wrapping_add(1));
            output.push(0xff);
        }
        self.outputs.insert((job.id.0, replica.device.0), output.clone());
        Ok(Some(output))
    }

    async fn next_step(
        &mut self,
        client: &RpcClient,
        job: &Job,
        replica: &Replica,
    ) -> Result<Option<JobsAction>, ClientError> {
        if replica.output_hash.is_some() {
            return Ok(None);
        }
        let Some(output) = self.output(client, job, replica).await? else { return Ok(None) };
        let (id, device) = (job.id, replica.device);
        Ok(Some(match job.spec.verification {
            Verification::Redundant { .. } if replica.commitment.is_none() => JobsAction::Commit {
                job: id,
                device,
                commitment: greenhour_jobs::math::commitment(id, device, &greenhour_jobs::math::output_hash(&output)),
            },
            Verification::Redundant { .. } => {
                let all_committed = job.replicas.iter().all(|r| r.commitment.is_some());
                if !all_committed && job.status != JobStatus::Verifying {
                    return Ok(None);
                }
                JobsAction::Reveal { job: id, device, output }
            }
            _ => JobsAction::Reveal { job: id, device, output },
        }))
    }
}
