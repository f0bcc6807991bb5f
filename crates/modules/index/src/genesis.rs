use crate::params::MAX_WINDOW_HOURS;
use crate::{keys, state, IndexError, IndexParams};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// The index part of the genesis file: its parameters (fills arise from trades).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexGenesis {
    #[serde(default)]
    pub params: IndexParams,
}

pub fn init(state: &mut impl StateWrite, g: &IndexGenesis) -> Result<(), IndexError> {
    let p = &g.params;
    if p.window_hours == 0 || p.window_hours > MAX_WINDOW_HOURS {
        return Err(IndexError::InvalidGenesis(format!("window of 1 to {MAX_WINDOW_HOURS} hours")));
    }
    state.put(&keys::params(), p);
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<IndexGenesis, IndexError> {
    Ok(IndexGenesis { params: state::params(state)? })
}
