//! The only place cover keys are spelled.

use crate::params::CoverParams;
use crate::state::{Cover, JobPeril, Pool, Stake};
use greenhour_primitives::Address;
use greenhour_state::Key;

pub fn params() -> Key<CoverParams> {
    Key::new("cover/params")
}
pub fn pool() -> Key<Pool> {
    Key::new("cover/pool")
}
pub const STAKE_PREFIX: &str = "cover/stake/";
pub fn stake(who: &Address) -> Key<Stake> {
    Key::new(format!("{STAKE_PREFIX}{}", who.to_key_hex()))
}
pub fn next_cover() -> Key<u64> {
    Key::new("cover/next_cover")
}
pub const COVER_PREFIX: &str = "cover/cover/";
pub fn cover(id: u64) -> Key<Cover> {
    Key::new(format!("{COVER_PREFIX}{id:020}"))
}
/// Covers by the next hour they are evaluated for: the trigger sweep reads them in
/// hour order and stops at the first hour not yet due.
pub const DUE_PREFIX: &str = "cover/due/";
pub fn due(hour: u64, id: u64) -> Key<()> {
    Key::new(format!("{DUE_PREFIX}{hour:020}/{id:020}"))
}
pub fn holder_covers(holder: &Address) -> String {
    format!("cover/by_holder/{}/", holder.to_key_hex())
}
pub fn holder_cover(holder: &Address, id: u64) -> Key<()> {
    Key::new(format!("{}{id:020}", holder_covers(holder)))
}
/// The cover sold on a job against one peril (value: its number).
pub fn job_cover(job: u64, peril: JobPeril) -> Key<u64> {
    Key::new(format!("cover/by_job/{job:020}/{}", peril.name()))
}
