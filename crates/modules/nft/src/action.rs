use crate::TokenId;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

/// What users may do with tokens. Minting and burning belong to modules.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NftAction {
    /// Moves a token the signer owns or is approved for.
    Transfer { id: TokenId, to: Address },
    /// Lets `spender` move the token once; `None` clears the approval. Owner only.
    Approve { id: TokenId, spender: Option<Address> },
}
