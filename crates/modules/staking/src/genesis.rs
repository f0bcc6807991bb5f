use crate::handler::{compute_set, create_validator};
use crate::{keys, state, StakingError, StakingParams};
use greenhour_crypto::PublicKey;
use greenhour_primitives::Address;
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// A validator bonded at genesis (the bond moves from the operator's genesis balance).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisValidator {
    pub operator: Address,
    pub consensus_key: PublicKey,
    pub moniker: String,
    pub commission_bps: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub self_bond: u128,
}

/// The staking part of the genesis file: parameters and the first validators,
/// whose set signs epoch 0.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakingGenesis {
    #[serde(default)]
    pub params: StakingParams,
    #[serde(default)]
    pub validators: Vec<GenesisValidator>,
}

pub fn init(state: &mut impl StateWrite, g: &StakingGenesis) -> Result<(), StakingError> {
    let p = &g.params;
    let bad = |why: &str| Err(StakingError::InvalidGenesis(why.into()));
    if p.epoch_blocks == 0
        || p.release_per_block == 0
        || p.max_validators == 0
        || p.green_normaliser_milli == 0
        || p.liveness_window_blocks == 0
        || p.min_signed_bps > 10_000
        || p.downtime_slash_bps > 10_000
    {
        return bad("epochs, release pages, set size and the green normaliser must be positive");
    }
    if p.double_sign_slash_bps > 10_000 {
        return bad("slash above 10,000 bps");
    }
    state.put(&keys::params(), p);
    for v in &g.validators {
        if v.commission_bps > 10_000 || !v.consensus_key.is_valid() {
            return bad("a genesis validator has a commission above 10,000 bps or an invalid key");
        }
        create_validator(state, &v.operator, &v.consensus_key, &v.moniker, v.commission_bps, v.self_bond, 0)
            .map_err(|e| StakingError::InvalidGenesis(e.to_string()))?;
    }
    let set = compute_set(state, p, 0)?;
    state.put(&keys::current_set(), &set);
    state.put(&keys::next_set(), &set);
    Ok(())
}

/// Parameters and validators as bonded now (delegations beyond the self-bond
/// and unbondings arise from transactions and are not exported).
pub fn export(state: &impl StateRead) -> Result<StakingGenesis, StakingError> {
    let validators = state::all_validators(state)?
        .into_iter()
        .map(|v| GenesisValidator {
            operator: v.operator,
            consensus_key: v.consensus_key,
            moniker: v.moniker,
            commission_bps: v.commission_bps,
            self_bond: v.tokens,
        })
        .collect();
    Ok(StakingGenesis { params: state::params(state)?, validators })
}
