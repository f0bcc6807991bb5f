//! The nft module's reads: one token, and the tokens an address holds.

use crate::{state, NftError, Token, TokenId};
use greenhour_framework::StateRead;
use greenhour_primitives::Address;

pub fn token(state: &impl StateRead, id: &TokenId) -> Result<Token, NftError> {
    state::token(state, id)
}

/// The tokens `owner` holds, in (class, serial) order, at most `limit`.
pub fn tokens_of(state: &impl StateRead, owner: &Address, limit: usize) -> Result<Vec<Token>, NftError> {
    let mut ids = state::tokens_of(state, owner)?;
    ids.truncate(limit);
    ids.iter().map(|id| state::token(state, id)).collect()
}
