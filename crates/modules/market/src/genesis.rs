use crate::{keys, state, MarketError, MarketParams};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// The market part of the genesis file: its parameters (pools arise from transactions).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketGenesis {
    #[serde(default)]
    pub params: MarketParams,
}

pub fn init(state: &mut impl StateWrite, g: &MarketGenesis) -> Result<(), MarketError> {
    let p = &g.params;
    if p.fee_ppm as u128 >= crate::math::PPM || p.protocol_share_ppm as u128 > crate::math::PPM {
        return Err(MarketError::InvalidGenesis("fee below 100 % and protocol share at most 100 %".into()));
    }
    state.put(&keys::params(), p);
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<MarketGenesis, MarketError> {
    Ok(MarketGenesis { params: state::params(state)? })
}
