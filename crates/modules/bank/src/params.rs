use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

/// What a module account may do to supply.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// May create new units of any denom into an account.
    Mint,
    /// May destroy units it holds.
    Burn,
}

/// An account owned by a module rather than a key.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct ModuleAccount {
    pub name: String,
    pub address: Address,
    pub permissions: Vec<Permission>,
}

impl ModuleAccount {
    pub fn has(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }
}

/// Most outputs one multi-send may carry, so one transaction's work stays bounded.
pub const MAX_OUTPUTS: usize = 256;
/// Most distinct denoms in one coin list.
pub const MAX_COINS: usize = 16;
