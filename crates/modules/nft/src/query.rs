//! The nft module's reads: one token, and the tokens an address holds.

use crate::{state, NftError, Token, TokenId};
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::StateRead;
use greenhour_primitives::Address;

pub fn token(state: &impl StateRead, id: &TokenId) -> Result<Token, NftError> {
    state::token(state, id)
}

/// The tokens `owner` holds, in (class, serial) order, those after `after`
/// (`class/serial`, the last of the previous page) only, at most `limit`. Reads
/// one range of the owner index, never the whole of it.
pub fn tokens_of(
    state: &impl StateRead,
    owner: &Address,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<Token>, QueryError> {
    let after = after
        .map(|text| {
            let (class, serial) = text.rsplit_once('/').unwrap_or(("", ""));
            match serial.parse::<u64>() {
                Ok(serial) if !class.is_empty() => Ok(TokenId { class: class.to_string(), serial }),
                _ => Err(QueryError::InvalidParams(format!("after {text:?}: expected class/serial, e.g. position/7"))),
            }
        })
        .transpose()?;
    let ids = state::tokens_page(state, owner, after.as_ref(), limit)?;
    Ok(ids.iter().map(|id| state::token(state, id)).collect::<Result<_, _>>()?)
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
        /// The tokens an address holds in (class, serial) order, at most 1,000,
        /// those after `after` (`class/serial`, the last of the previous page) only.
        TokensOf = "nfts" at "/nfts" { owner: Address, after: Option<String> } -> Vec<Token>
            = |state, _now| tokens_of(state, &owner, after.as_deref(), MAX_LIST);
    }
}
