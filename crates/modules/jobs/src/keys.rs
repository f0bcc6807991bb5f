//! The only place jobs keys are spelled. Numbers are zero-padded so that prefix
//! scans return them in numeric order.

use crate::params::JobsParams;
use crate::state::{Job, JobId, Outcomes, SciReport, StoredProposal, StoredWorkload};
use greenhour_devices::DeviceId;
use greenhour_primitives::{Address, Hash, UnixSeconds};
use greenhour_state::Key;

pub const JOB_PREFIX: &str = "jobs/job/";
pub const OPEN_PREFIX: &str = "jobs/open/";
pub const DUE_PREFIX: &str = "jobs/due/";
pub const BUSY_PREFIX: &str = "jobs/busy/";

pub fn params() -> Key<JobsParams> {
    Key::new("jobs/params")
}
pub fn next_id() -> Key<u64> {
    Key::new("jobs/next_id")
}
pub fn job(id: JobId) -> Key<Job> {
    Key::new(format!("{JOB_PREFIX}{:020}", id.0))
}
/// Jobs waiting for the matcher (value: unit).
pub fn open(id: JobId) -> Key<()> {
    Key::new(format!("{OPEN_PREFIX}{:020}", id.0))
}
/// The open job the matcher's last page ended with.
pub fn match_cursor() -> Key<String> {
    Key::new("jobs/block/match-cursor")
}
/// A job needs the block's attention at `at` (value: unit).
pub fn due(at: UnixSeconds, id: JobId) -> Key<()> {
    Key::new(format!("{DUE_PREFIX}{at:020}/{:020}", id.0))
}
/// Reads a due key back into `(time, job)`.
pub fn parse_due(key: &[u8]) -> Option<(UnixSeconds, JobId)> {
    let text = std::str::from_utf8(key).ok()?.strip_prefix(DUE_PREFIX)?;
    let (at, id) = text.split_once('/')?;
    Some((at.parse().ok()?, JobId(id.parse().ok()?)))
}
/// The best solver proposal of the current block (deleted at its end).
pub fn proposal() -> Key<StoredProposal> {
    Key::new("jobs/block/proposal")
}
/// GPUs of a device assigned to jobs in one hour.
pub fn busy(hour: u64, device: DeviceId) -> Key<u32> {
    Key::new(format!("{BUSY_PREFIX}{hour:012}/{:020}", device.0))
}
pub fn busy_of(hour: u64) -> String {
    format!("{BUSY_PREFIX}{hour:012}/")
}
/// An unfinished job an operator's device serves (value: unit).
pub fn assigned(operator: &Address, id: JobId) -> Key<()> {
    Key::new(format!("jobs/assigned/{}/{:020}", operator.to_key_hex(), id.0))
}
pub fn assigned_of(operator: &Address) -> String {
    format!("jobs/assigned/{}/", operator.to_key_hex())
}
pub fn workload(hash: &Hash) -> Key<StoredWorkload> {
    Key::new(format!("jobs/workload/{hash}"))
}
/// A replica's revealed output.
pub fn output(id: JobId, replica: usize) -> Key<Vec<u8>> {
    Key::new(format!("jobs/output/{:020}/{replica:03}", id.0))
}
/// How finished jobs ended: the whole chain's record (`None`) or one buyer's.
pub fn outcomes(buyer: Option<&Address>) -> Key<Outcomes> {
    match buyer {
        None => Key::new("jobs/outcomes/all"),
        Some(b) => Key::new(format!("jobs/outcomes/buyer/{}", b.to_key_hex())),
    }
}
pub fn sci(id: JobId) -> Key<SciReport> {
    Key::new(format!("jobs/sci/{:020}", id.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_keys_read_back() {
        assert_eq!(parse_due(due(1_800_000_000, JobId(42)).as_bytes()), Some((1_800_000_000, JobId(42))));
        assert_eq!(parse_due(b"jobs/due/x/1"), None);
    }
}
