use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::Amount;
use serde::{Deserialize, Serialize};

/// Chain-wide transaction and block limits, set at genesis.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct AppParams {
    /// Smallest fee (in ughr) a transaction may pay.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub min_fee: Amount,
    /// Largest encoded transaction, in bytes.
    pub max_tx_bytes: u32,
    /// Most actions in one transaction.
    pub max_actions: u32,
    /// Longest memo, in bytes.
    pub max_memo_bytes: u32,
    /// Most transactions in one block.
    pub max_block_txs: u32,
    /// Largest sum of encoded transaction sizes in one block, in bytes.
    pub max_block_bytes: u64,
}

impl Default for AppParams {
    fn default() -> Self {
        AppParams {
            min_fee: 1_000,
            max_tx_bytes: 64 * 1024,
            max_actions: 64,
            max_memo_bytes: 256,
            max_block_txs: 50_000,
            max_block_bytes: 16 * 1024 * 1024,
        }
    }
}

/// The module account that receives transaction fees.
pub const FEE_COLLECTOR: &str = "fee_collector";
