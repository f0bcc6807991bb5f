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
    /// Release builds check every module's invariants on every block whose height
    /// is a multiple of this (debug builds check every block); a violation refuses
    /// the block, so the chain halts with the broken invariant named instead of
    /// committing it (the Cosmos crisis-module rule). A genesis parameter so every
    /// validator checks, and halts, at the same heights. 0 turns it off.
    #[serde(default = "default_invariant_check_interval")]
    pub invariant_check_interval: u64,
}

fn default_invariant_check_interval() -> u64 {
    100
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
            invariant_check_interval: default_invariant_check_interval(),
        }
    }
}

/// The module account that receives transaction fees.
pub const FEE_COLLECTOR: &str = "fee_collector";
