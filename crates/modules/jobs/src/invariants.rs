//! The crate-level invariants, checked over the whole state (tests and audits).

use crate::handler::custody;
use crate::state::{self, JobStatus, Pricing};
use crate::{keys, JobId};
use greenhour_devices::DeviceId;
use greenhour_primitives::{Amount, Denom};
use greenhour_state::StateRead;
use std::collections::{BTreeMap, BTreeSet};

/// See the crate documentation for the invariants checked here.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    let s = |e: crate::JobsError| e.to_string();
    let mut held: BTreeMap<Denom, Amount> = BTreeMap::new();
    let mut busy: BTreeMap<(u64, DeviceId), u32> = BTreeMap::new();
    let mut open: BTreeSet<JobId> = BTreeSet::new();
    let mut due: BTreeSet<(u64, JobId)> = BTreeSet::new();
    for job in state::all_jobs(state).map_err(s)? {
        let l = &job.ledger;
        let quote_out = l.quote_spent.checked_add(l.quote_refunded);
        let ghr_out = [l.paid, l.fees, l.refunded, l.bonds_returned, l.slashed, l.rewards]
            .iter()
            .try_fold(0u128, |a, b| a.checked_add(*b));
        let (Some(quote_out), Some(ghr_out)) = (quote_out, ghr_out) else {
            return Err(format!("job {}: ledger overflows", job.id));
        };
        if quote_out > l.quote_in || ghr_out > l.ghr_in {
            return Err(format!("job {} paid out more than it took in", job.id));
        }
        if job.status.is_final() {
            if l.quote_held() != 0 || l.ghr_held() != 0 || job.due.is_some() {
                return Err(format!("finished job {} still holds funds or a due time", job.id));
            }
            continue;
        }
        let bonds: Amount = job.replicas.iter().map(|r| r.bond).sum();
        if l.ghr_held() != job.spec.incentive + bonds {
            return Err(format!(
                "job {} holds {} ughr, owes incentive + bonds {}",
                job.id,
                l.ghr_held(),
                job.spec.incentive + bonds
            ));
        }
        *held.entry(Denom::ghr()).or_default() += l.ghr_held();
        if let Pricing::Market { quote, .. } = &job.spec.pricing {
            *held.entry(quote.clone()).or_default() += l.quote_held();
        }
        if job.status == JobStatus::Open {
            open.insert(job.id);
        }
        if let Some(at) = job.due {
            due.insert((at, job.id));
        }
        let owners: BTreeSet<_> = job.replicas.iter().map(|r| r.operator).collect();
        if owners.len() != job.replicas.len() {
            return Err(format!("job {} has two replicas of one owner", job.id));
        }
        if let Some(start) = job.start_hour {
            for r in &job.replicas {
                for hour in start..start + job.spec.hours as u64 {
                    *busy.entry((hour, r.device)).or_default() += job.spec.gpus;
                }
            }
        }
    }
    for (denom, owed) in &held {
        let have = greenhour_bank::api::balance(state, &custody(), denom).map_err(|e| e.to_string())?;
        if have != *owed {
            return Err(format!("jobs custody holds {have} {denom}, unfinished jobs hold {owed}"));
        }
    }
    if !held.contains_key(&Denom::ghr()) {
        let have = greenhour_bank::api::balance(state, &custody(), &Denom::ghr()).map_err(|e| e.to_string())?;
        if have != 0 {
            return Err(format!("jobs custody holds {have} ughr with no unfinished job"));
        }
    }
    let mut indexed_busy: BTreeMap<(u64, DeviceId), u32> = BTreeMap::new();
    for (key, units) in state.prefix::<u32>(keys::BUSY_PREFIX).map_err(|e| e.to_string())? {
        let bad = || format!("{key}: not a busy key");
        let (hour, device) = key[keys::BUSY_PREFIX.len()..].split_once('/').ok_or_else(bad)?;
        indexed_busy.insert((hour.parse().map_err(|_| bad())?, DeviceId(device.parse().map_err(|_| bad())?)), units);
    }
    if indexed_busy != busy {
        return Err("busy index disagrees with the replicas of unfinished jobs".into());
    }
    let indexed_open: BTreeSet<JobId> = state
        .prefix::<()>(keys::OPEN_PREFIX)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|(k, _)| k[keys::OPEN_PREFIX.len()..].parse().ok().map(JobId))
        .collect();
    if indexed_open != open {
        return Err("open index disagrees with open jobs".into());
    }
    let indexed_due: BTreeSet<(u64, JobId)> = state
        .prefix_raw(keys::DUE_PREFIX.as_bytes())
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|(k, _)| keys::parse_due(&k))
        .collect();
    if indexed_due != due {
        return Err("due index disagrees with jobs' due times".into());
    }
    // A job's green Wh are exactly the certificates it claimed (which the carbon
    // module counts once).
    for report in state.prefix::<crate::SciReport>("jobs/sci/").map_err(|e| e.to_string())? {
        let r = report.1;
        let claimed: u64 = r.certificates.iter().map(|(f, l)| l - f + 1).sum();
        if claimed != r.green_wh || r.green_wh > r.energy_wh {
            return Err(format!("job {}: green {} Wh, certificates {claimed} Wh", r.job, r.green_wh));
        }
    }
    Ok(())
}
