//! The only place pools keys are spelled. Numbers are zero-padded so that
//! prefix scans return them in numeric order.

use crate::params::PoolsParams;
use crate::state::{BeaconState, Member, Pool, PoolId, Position, PositionLp, Ticket};
use greenhour_devices::DeviceId;
use greenhour_primitives::{Denom, Hash};
use greenhour_state::Key;

pub const POOL_PREFIX: &str = "pools/pool/";
pub const MEMBER_PREFIX: &str = "pools/member/";
pub const TICKET_PREFIX: &str = "pools/ticket/";
pub const POSITION_PREFIX: &str = "pools/position/";
pub const EXPIRY_PREFIX: &str = "pools/expiry/";

pub fn params() -> Key<PoolsParams> {
    Key::new("pools/params")
}
pub fn next_pool_id() -> Key<u64> {
    Key::new("pools/next_id")
}
pub fn pool(id: PoolId) -> Key<Pool> {
    Key::new(format!("{POOL_PREFIX}{:020}", id.0))
}
pub fn member(pool: PoolId, device: DeviceId) -> Key<Member> {
    Key::new(format!("{MEMBER_PREFIX}{:020}/{:020}", pool.0, device.0))
}
pub fn members_of(pool: PoolId) -> String {
    format!("{MEMBER_PREFIX}{:020}/", pool.0)
}
/// The pools a device belongs to (value: unit).
pub fn membership(device: DeviceId, pool: PoolId) -> Key<()> {
    Key::new(format!("pools/membership/{:020}/{:020}", device.0, pool.0))
}
pub fn memberships_of(device: DeviceId) -> String {
    format!("pools/membership/{:020}/", device.0)
}
/// Members of a pool in one location cell (value: unit).
pub fn cell_member(pool: PoolId, cell: &str, device: DeviceId) -> Key<()> {
    Key::new(format!("pools/cell/{:020}/{cell}/{:020}", pool.0, device.0))
}
pub fn cell_members(pool: PoolId, cell: &str) -> String {
    format!("pools/cell/{:020}/{cell}/", pool.0)
}
/// A lottery ticket, keyed by the epoch whose beacon draws it.
pub fn ticket(draw_epoch: u64, pool: PoolId, device: DeviceId) -> Key<Ticket> {
    Key::new(format!("{TICKET_PREFIX}{draw_epoch:020}/{:020}/{:020}", pool.0, device.0))
}
/// A device's pending ticket for a pool → its draw epoch.
pub fn ticket_of(pool: PoolId, device: DeviceId) -> Key<u64> {
    Key::new(format!("pools/ticket-of/{:020}/{:020}", pool.0, device.0))
}
/// Per-block bookkeeping lives under `pools/block/`: it changes in every block
/// whatever the transactions do.
pub fn beacon() -> Key<BeaconState> {
    Key::new("pools/block/beacon")
}
/// Final beacon of an epoch, kept so anyone can re-run its draw.
pub fn epoch_beacon(epoch: u64) -> Key<Hash> {
    Key::new(format!("pools/epoch-beacon/{epoch:020}"))
}
/// LP shares a position holds in one hour's market pool (kept by pools custody).
pub fn position_lp(serial: u64, hour: u64) -> Key<PositionLp> {
    Key::new(format!("{POSITION_LP_PREFIX}{serial:020}/{hour:020}"))
}
pub fn position_lps(serial: u64) -> String {
    format!("{POSITION_LP_PREFIX}{serial:020}/")
}
pub const POSITION_LP_PREFIX: &str = "pools/position-lp/";
/// Positions holding LP shares of an hour's market pool, by hour: what the expiry
/// sweep settles to the NFT holders when the hour ends.
pub fn lp_hour(hour: u64, serial: u64) -> Key<()> {
    Key::new(format!("{LP_HOUR_PREFIX}{hour:020}/{serial:020}"))
}
pub fn lp_hours_of(hour: u64) -> String {
    format!("{LP_HOUR_PREFIX}{hour:020}/")
}
pub const LP_HOUR_PREFIX: &str = "pools/lp-hour/";
pub fn position(serial: u64) -> Key<Position> {
    Key::new(format!("{POSITION_PREFIX}{serial:020}"))
}
/// Serials of a device's positions that had not ended when the list was last
/// written: one small record per device rather than an index row per position.
pub fn device_positions(device: DeviceId) -> Key<Vec<u64>> {
    Key::new(format!("pools/device/{:020}", device.0))
}
/// Work due when `hour` ends: burn a slot denom, retire a position.
pub fn expiry_denom(hour: u64, denom: &Denom) -> Key<()> {
    Key::new(format!("{EXPIRY_PREFIX}{hour:020}/denom/{denom}"))
}
pub fn expiry_position(hour: u64, serial: u64) -> Key<()> {
    Key::new(format!("{EXPIRY_PREFIX}{hour:020}/position/{serial:020}"))
}
pub fn expiry_hour(hour: u64) -> String {
    format!("{EXPIRY_PREFIX}{hour:020}/")
}

/// What an expiry key stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpiryEntry {
    Denom(Denom),
    Position(u64),
}

/// Reads an expiry key back into `(hour, entry)`; the only parser of these keys.
pub fn parse_expiry(key: &[u8]) -> Result<(u64, ExpiryEntry), greenhour_state::StateError> {
    let text = String::from_utf8_lossy(key);
    let parsed = text.strip_prefix(EXPIRY_PREFIX).and_then(|rest| {
        let (hour, entry) = rest.split_once('/')?;
        let entry = match entry.split_once('/')? {
            ("denom", d) => ExpiryEntry::Denom(d.parse().ok()?),
            ("position", s) => ExpiryEntry::Position(s.parse().ok()?),
            _ => return None,
        };
        Some((hour.parse().ok()?, entry))
    });
    parsed.ok_or_else(|| greenhour_state::StateError::Decode {
        key: text.into_owned(),
        reason: "not a pools expiry key".into(),
    })
}
/// Units of GPU capacity a device backs in one hour, by hour then class, so a
/// scheduler finds the devices able to serve an hour with one prefix read and the
/// sweep drops an ended hour with one prefix per class.
pub fn capacity(hour: u64, class: &str, device: DeviceId) -> Key<u32> {
    Key::new(format!("{CAPACITY_PREFIX}{hour:012}/{class}/{:020}", device.0))
}
pub fn capacity_of(hour: u64, class: &str) -> String {
    format!("{CAPACITY_PREFIX}{hour:012}/{class}/")
}
pub const CAPACITY_PREFIX: &str = "pools/capacity/";
/// The member key the last recheck stopped after.
pub fn recheck_cursor() -> Key<String> {
    Key::new("pools/block/recheck-cursor")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_keys_read_back() {
        let denom: Denom = "slot/home/498700".parse().unwrap();
        assert_eq!(
            parse_expiry(expiry_denom(498_700, &denom).as_bytes()).unwrap(),
            (498_700, ExpiryEntry::Denom(denom))
        );
        assert_eq!(parse_expiry(expiry_position(7, 42).as_bytes()).unwrap(), (7, ExpiryEntry::Position(42)));
        assert!(parse_expiry(b"pools/expiry/x/denom/ughr").is_err());
        assert!(parse_expiry(b"pools/expiry/00000000000000000007/other/1").is_err());
    }
}
