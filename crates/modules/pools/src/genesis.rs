use crate::state::{self, Pool};
use crate::{keys, PoolsError, PoolsParams};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// The pools part of the genesis file: parameters and pools open from the start
/// (members, pledges and tickets only arise from transactions).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolsGenesis {
    #[serde(default)]
    pub params: PoolsParams,
    #[serde(default)]
    pub pools: Vec<Pool>,
}

pub fn init(state: &mut impl StateWrite, g: &PoolsGenesis) -> Result<(), PoolsError> {
    let bad = |m: String| Err(PoolsError::InvalidGenesis(m));
    let p = &g.params;
    if p.horizon_hours == 0 || p.epoch_seconds == 0 || p.sweep_hours_per_block == 0 {
        return bad("horizon, epoch length and sweep rate must be positive".into());
    }
    state.put(&keys::params(), p);
    let mut next = 1;
    for pool in &g.pools {
        if pool.id.0 < next || pool.members != 0 {
            return bad(format!("pool {} must have an increasing id and no members", pool.id));
        }
        crate::handler::validate_conditions(pool.kind, &pool.conditions, p)?;
        next = pool.id.0 + 1;
        state::put_pool(state, pool);
    }
    if !g.pools.is_empty() {
        state.put(&keys::next_pool_id(), &next);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<PoolsGenesis, PoolsError> {
    Ok(PoolsGenesis { params: state::params(state)?, pools: state::all_pools(state)? })
}
