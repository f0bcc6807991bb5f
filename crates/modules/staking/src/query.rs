//! The staking module's reads: validators with their green work and delegator
//! count, and the set signing now and the one announced for next.

use crate::state::{self, Validator, ValidatorSet};
use crate::StakingError;
use greenhour_framework::queries::QueryError;
use greenhour_framework::StateRead;
use greenhour_primitives::Hash;
use serde::{Deserialize, Serialize};

/// A validator with its green work this epoch and how many delegate to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorView {
    pub validator: Validator,
    pub green_milli_gpu_hours: u64,
    pub delegators: usize,
}

pub fn validators(state: &impl StateRead) -> Result<Vec<ValidatorView>, StakingError> {
    state::all_validators(state)?
        .into_iter()
        .map(|v| {
            let green_milli_gpu_hours = state::green_work(state, &v.operator)?;
            let delegators = state::delegations_of(state, &v.operator)?.len();
            Ok(ValidatorView { validator: v, green_milli_gpu_hours, delegators })
        })
        .collect()
}

/// A validator set with its hash (what headers commit to) and total power.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetView {
    pub hash: Hash,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub total_power: u128,
    pub set: ValidatorSet,
}

/// The set signing the latest block and the one announced for the next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetsView {
    pub current: SetView,
    pub next: SetView,
}

pub fn validator_sets(state: &impl StateRead) -> Result<SetsView, StakingError> {
    let view = |set: ValidatorSet| SetView { hash: set.hash(), total_power: set.total_power(), set };
    Ok(SetsView { current: view(state::current_set(state)?), next: view(state::next_set(state)?) })
}

impl From<StakingError> for QueryError {
    fn from(e: StakingError) -> Self {
        match e {
            StakingError::UnknownValidator(a) => QueryError::NotFound(format!("validator {a}")),
            other => QueryError::Internal(other.to_string()),
        }
    }
}

greenhour_framework::module_queries! {
    /// The staking module's reads.
    pub enum StakingQuery in "staking" {
        /// Every validator with its bonded tokens, status, green work this epoch and delegator count.
        Validators = "validators" at "/validators" {} -> Vec<ValidatorView>
            = |state, _now| validators(state);
        /// The set signing the latest block and the one announced for the next, with their hashes.
        ValidatorSets = "validator_sets" at "/validator-sets" {} -> SetsView
            = |state, _now| validator_sets(state);
    }
}
