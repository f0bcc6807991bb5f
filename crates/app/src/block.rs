use crate::tx::Tx;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{Hash, Height};
use greenhour_state::Event;
use serde::{Deserialize, Serialize};

/// What every node agrees on about a block (defined with light verification).
pub use greenhour_light::Header;

/// A header, its transactions and the certificate of its parent.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Block {
    pub header: Header,
    pub txs: Vec<Tx>,
    /// The precommits that decided the parent (as the proposer had them), which
    /// the staking module counts for liveness; the header commits to it in
    /// `last_commit_hash`. `None` for height 1 and on chains that sign none.
    pub last_commit: Option<greenhour_light::CommitCertificate>,
}

impl Block {
    pub fn hash(&self) -> Hash {
        self.header.hash()
    }
}

/// What `Header::last_commit_hash` is for a block carrying `last_commit`.
pub fn last_commit_hash(last_commit: &Option<greenhour_light::CommitCertificate>) -> Hash {
    Hash::digest(greenhour_codec::encode(last_commit))
}

/// Where a committed transaction is, what it emitted and whether its actions ran.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct TxRecord {
    pub hash: Hash,
    pub height: Height,
    pub index: u32,
    /// Every event of the transaction: for a failed one, only its fee's transfer.
    pub events: Vec<Event>,
    /// `None`: every action ran. `Some`: an action failed with this `(module, code)`;
    /// the actions were rolled back, but the transaction is in the block, its nonce
    /// is used and its fee charged (as a Cosmos SDK transaction with a non-zero code).
    pub error: Option<greenhour_framework::ErrorInfo>,
}

impl TxRecord {
    /// The record if every action ran, else the error its actions failed with.
    pub fn succeeded(self) -> Result<TxRecord, greenhour_framework::ErrorInfo> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }
}

/// Binary Merkle root over transaction hashes (RFC 6962 shape: leaves and inner
/// nodes are hashed with different prefixes, an odd node is promoted).
pub fn tx_root(hashes: &[Hash]) -> Hash {
    if hashes.is_empty() {
        return Hash::digest(b"");
    }
    let mut level: Vec<Hash> = hashes.iter().map(|h| Hash::digest_parts(&[&[0u8], &h.0])).collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => Hash::digest_parts(&[&[1u8], &a.0, &b.0]),
                [a] => *a,
                _ => unreachable!("chunks(2) yields one or two items"),
            })
            .collect();
    }
    level[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_root_depends_on_order_and_content() {
        let a = Hash::digest(b"a");
        let b = Hash::digest(b"b");
        let c = Hash::digest(b"c");
        assert_ne!(tx_root(&[a, b]), tx_root(&[b, a]));
        assert_ne!(tx_root(&[a, b, c]), tx_root(&[a, b]));
        assert_ne!(tx_root(&[a]), a, "a leaf is domain-separated from its hash");
        assert_eq!(tx_root(&[a, b, c]), tx_root(&[a, b, c]));
    }
}
