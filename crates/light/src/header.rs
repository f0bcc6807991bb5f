use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{ChainId, Hash, Height, UnixSeconds};
use serde::{Deserialize, Serialize};

/// What every node agrees on about a block.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Header {
    pub chain_id: ChainId,
    pub height: Height,
    /// Seconds since the Unix epoch; never less than the parent's.
    pub time: UnixSeconds,
    /// Hash of the parent header (of the genesis header for height 1).
    pub prev_hash: Hash,
    /// Merkle root of the block's transaction hashes.
    pub tx_root: Hash,
    /// JMT root of the state after this block's transactions and hooks.
    pub app_hash: Hash,
    /// Hash of the validator set that signs this block (staking's current set).
    pub validators_hash: Hash,
    /// Hash of the set that signs the next block: the same within an epoch, the
    /// newly fixed set in an epoch's last block (what light clients follow).
    pub next_validators_hash: Hash,
    /// SHA-256 of the encoded certificate of the parent block that this block
    /// carries (`Option<CommitCertificate>`): who signed the parent, which the
    /// staking module counts for liveness.
    pub last_commit_hash: Hash,
}

impl Header {
    /// SHA-256 of the canonical header encoding.
    pub fn hash(&self) -> Hash {
        Hash::digest(greenhour_codec::encode(self))
    }
}
