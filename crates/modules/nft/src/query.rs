//! The nft module's reads: one token, and the tokens an address holds.

use crate::{state, NftError, Token, TokenId};
use greenhour_framework::queries::{QueryError, MAX_LIST};
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

impl From<NftError> for QueryError {
    fn from(e: NftError) -> Self {
        match e {
            NftError::UnknownToken(id) => QueryError::NotFound(format!("token {id}")),
            other => QueryError::Internal(other.to_string()),
        }
    }
}

greenhour_framework::module_queries! {
    /// The nft module's reads.
    pub enum NftQuery in "nft" {
        /// A token: its class, serial, owner and data.
        Token = "nft" at "/nfts/{class}/{serial}" { class: String, serial: u64 } -> Token
            = |state, _now| token(state, &TokenId { class, serial });
        /// The tokens an address holds (at most 1,000), in (class, serial) order.
        TokensOf = "nfts" at "/nfts" { owner: Address } -> Vec<Token>
            = |state, _now| tokens_of(state, &owner, MAX_LIST);
    }
}
