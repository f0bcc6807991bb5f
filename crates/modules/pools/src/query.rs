//! The pools module's reads: pools and their members, positions (one, or by
//! owner, device, hour or pool) with every hour's state at a time, and the slot
//! tokens of one hour. Lists stop at `limit`.

use crate::state::{self, Member, Pool, PoolId, PositionView, SlotUnit};
use crate::PoolsError;
use greenhour_devices::{DeviceClass, DeviceId};
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, Denom, UnixSeconds};
use serde::{Deserialize, Serialize};

pub fn pools(state: &impl StateRead, limit: usize) -> Result<Vec<Pool>, PoolsError> {
    let mut out = state::all_pools(state)?;
    out.truncate(limit);
    Ok(out)
}

/// A pool and its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolView {
    pub pool: Pool,
    pub members: Vec<Member>,
}

pub fn pool(state: &impl StateRead, id: PoolId, limit: usize) -> Result<PoolView, PoolsError> {
    let pool = state::pool(state, id)?;
    let mut members = state::members(state, id)?;
    members.truncate(limit);
    Ok(PoolView { pool, members })
}

/// A position with its owner and every hour's state at `now`.
pub fn position(state: &impl StateRead, serial: u64, now: UnixSeconds) -> Result<PositionView, PoolsError> {
    let p = state::position(state, serial)?;
    let owner = state::position_owner(state, serial)?;
    Ok(PositionView::new(p, owner, now))
}

/// Which positions to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionFilter {
    Owner(Address),
    /// A device's positions whose last hour has not ended.
    Device(DeviceId),
    /// Positions covering a UTC hour index.
    Hour(u64),
    /// Live positions of a pool's members in that pool.
    Pool(PoolId),
}

pub fn positions(
    state: &impl StateRead,
    filter: PositionFilter,
    now: UnixSeconds,
    limit: usize,
) -> Result<Vec<PositionView>, PoolsError> {
    let list = match filter {
        PositionFilter::Owner(owner) => greenhour_nft::api::tokens_of(state, &owner)?
            .into_iter()
            .filter(|id| id.class == crate::POSITION_CLASS)
            .take(limit)
            .map(|id| state::position(state, id.serial))
            .collect::<Result<Vec<_>, _>>()?,
        PositionFilter::Device(id) => state::live_positions(state, id)?,
        PositionFilter::Pool(id) => {
            state::pool(state, id)?;
            let mut out = Vec::new();
            for member in state::members(state, id)? {
                out.extend(state::live_positions(state, member.device)?.into_iter().filter(|p| p.pool == id));
                if out.len() >= limit {
                    break;
                }
            }
            out
        }
        PositionFilter::Hour(hour) => {
            let horizon = state::params(state)?.horizon_hours;
            state::positions_covering(state, hour, horizon, limit)?
        }
    };
    list.into_iter()
        .take(limit)
        .map(|p| {
            let owner = state::position_owner(state, p.serial)?;
            Ok(PositionView::new(p, owner, now))
        })
        .collect()
}

/// The slot tokens of one `(unit, class, hour)`: supply, unsold in the pools'
/// custody, sold, and when trading closes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub denom: Denom,
    pub hour: u64,
    pub trading_closes_at: UnixSeconds,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub supply: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub unsold_in_custody: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub sold: u128,
}

pub fn slot(state: &impl StateRead, unit: SlotUnit, class: DeviceClass, hour: u64) -> Result<SlotView, PoolsError> {
    let denom = state::slot_denom(unit, class, hour);
    let supply = greenhour_bank::api::supply(state, &denom)?;
    let unsold = greenhour_bank::api::balance(state, &crate::api::custody(), &denom)?;
    Ok(SlotView {
        denom,
        hour,
        trading_closes_at: hour.saturating_mul(3_600),
        supply,
        unsold_in_custody: unsold,
        sold: supply.saturating_sub(unsold),
    })
}

impl From<PoolsError> for QueryError {
    fn from(e: PoolsError) -> Self {
        match e {
            PoolsError::UnknownPool(id) => QueryError::NotFound(format!("pool {id}")),
            PoolsError::UnknownPosition(serial) => QueryError::NotFound(format!("position {serial}")),
            other => QueryError::Internal(other.to_string()),
        }
    }
}

greenhour_framework::query_param_by_serde_name!(SlotUnit, ["gpu_hour", "kwh"]);

/// The one filter a `positions` request names.
fn position_filter(
    owner: Option<Address>,
    device: Option<u64>,
    hour: Option<u64>,
    pool: Option<u64>,
) -> Result<PositionFilter, QueryError> {
    match (owner, device, hour, pool) {
        (Some(owner), None, None, None) => Ok(PositionFilter::Owner(owner)),
        (None, Some(device), None, None) => Ok(PositionFilter::Device(DeviceId(device))),
        (None, None, Some(hour), None) => Ok(PositionFilter::Hour(hour)),
        (None, None, None, Some(pool)) => Ok(PositionFilter::Pool(PoolId(pool))),
        _ => Err(QueryError::InvalidParams("give exactly one of owner, device, hour or pool".into())),
    }
}

greenhour_framework::module_queries! {
    /// The pools module's reads.
    pub enum PoolsQuery in "pools" {
        /// Every pool (at most 1,000).
        Pools = "pools" at "/pools" {} -> Vec<Pool>
            = |state, _now| pools(state, MAX_LIST);
        /// A pool and its members (at most 1,000).
        Pool = "pool" at "/pools/{id}" { id: u64 } -> PoolView
            = |state, _now| pool(state, PoolId(id), MAX_LIST);
        /// A position with its owner and every hour's state at the latest block time.
        Position = "position" at "/positions/{serial}" { serial: u64 } -> PositionView
            = |state, now| position(state, serial, now);
        /// Positions of one owner, device, hour or pool (give exactly one; at most 1,000).
        Positions = "positions" at "/positions"
            { owner: Option<Address>, device: Option<u64>, hour: Option<u64>, pool: Option<u64> } -> Vec<PositionView>
            = |state, now| positions(state, position_filter(owner, device, hour, pool)?, now, MAX_LIST);
        /// The slot tokens of one (unit, class, hour): supply, unsold in custody, sold, trading close.
        Slot = "slot" at "/slots/{class}/{hour}" { class: DeviceClass, hour: u64, unit: Option<SlotUnit> } -> SlotView
            = |state, _now| slot(state, unit.unwrap_or(SlotUnit::GpuHour), class, hour);
    }
}
