use crate::TokenId;
use greenhour_framework::CodedError;
use greenhour_primitives::Address;
use greenhour_state::StateError;

/// Everything the nft module can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NftError {
    /// Returned when no class has this name (or the name is malformed).
    #[error("no NFT class {0:?}")]
    UnknownClass(String),
    /// Returned when no live token has this id.
    #[error("no token {0}")]
    UnknownToken(TokenId),
    /// Returned when the signer neither owns the token nor is approved for it.
    #[error("not allowed to move token {id}")]
    NotAllowed { id: TokenId },
    /// Returned when someone other than the owner approves a spender.
    #[error("only the owner of token {id} may approve")]
    NotOwner { id: TokenId },
    /// Returned when a module mints, burns or edits a class it does not govern.
    #[error("module {module} is not the minter of class {class}")]
    NotMinter { module: String, class: String },
    /// Returned when a user sends a token to a module account.
    #[error("{0} is a module account and cannot receive tokens from users")]
    ModuleRecipient(Address),
    /// Returned when attributes exceed 32 entries or 256 bytes per key or value.
    #[error("token attributes are too large")]
    AttributesTooLarge,
    /// Returned when the genesis is inconsistent.
    #[error("invalid nft genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when reading bank's module accounts fails.
    #[error("bank: {0}")]
    Bank(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for NftError {
    fn module(&self) -> &'static str {
        "nft"
    }
    fn code(&self) -> u32 {
        match self {
            NftError::UnknownClass(_) => 1,
            NftError::UnknownToken(_) => 2,
            NftError::NotAllowed { .. } => 3,
            NftError::NotOwner { .. } => 4,
            NftError::NotMinter { .. } => 5,
            NftError::ModuleRecipient(_) => 6,
            NftError::AttributesTooLarge => 7,
            NftError::InvalidGenesis(_) => 8,
            NftError::Bank(_) => 99,
            NftError::State(_) => 100,
        }
    }
}
