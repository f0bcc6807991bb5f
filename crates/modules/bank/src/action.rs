use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{Address, Coin};
use serde::{Deserialize, Serialize};

/// One recipient of a multi-send.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Output {
    pub to: Address,
    pub coins: Vec<Coin>,
}

/// What a user may ask of bank.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BankAction {
    /// Moves coins from the signer to one recipient.
    Send { to: Address, coins: Vec<Coin> },
    /// Moves coins from the signer to many recipients, all or nothing.
    MultiSend { outputs: Vec<Output> },
}
