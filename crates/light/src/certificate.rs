use crate::LightError;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_crypto::{Domain, PublicKey, SecretKey, Signature, SignedMessage};
use greenhour_primitives::{Address, ChainId, Hash, Height};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One member of a validator set.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct SetMember {
    pub operator: Address,
    pub consensus_key: PublicKey,
    pub power: u64,
}

/// The validators that sign an epoch's blocks, by power (largest first, then
/// operator address).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct ValidatorSet {
    /// The epoch the set signs.
    pub epoch: u64,
    pub members: Vec<SetMember>,
}

impl ValidatorSet {
    /// The hash headers carry: SHA-256 of the encoded members (the epoch number
    /// is left out, so an unchanged set keeps its hash).
    pub fn hash(&self) -> Hash {
        Hash::digest(greenhour_codec::encode(&self.members))
    }
    pub fn total_power(&self) -> u128 {
        self.members.iter().map(|m| m.power as u128).sum()
    }
    pub fn power_of(&self, key: &PublicKey) -> Option<u64> {
        self.members.iter().find(|m| m.consensus_key == *key).map(|m| m.power)
    }
}

/// The two vote steps of the consensus round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteKind {
    Prevote,
    Precommit,
}

/// A consensus vote as validators sign it (`Domain::Consensus`, the chain id,
/// then this struct's encoding). The consensus driver signs exactly these bytes,
/// so commit certificates verify here and two conflicting votes are evidence for
/// the staking module.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Vote {
    pub chain_id: ChainId,
    pub height: Height,
    pub round: u32,
    pub kind: VoteKind,
    /// The block voted for; `None` votes for no block.
    pub block: Option<Hash>,
    pub validator_key: PublicKey,
}

impl Vote {
    pub fn sign(&self, key: &SecretKey) -> Signature {
        key.sign(Domain::Consensus, &self.chain_id, &greenhour_codec::encode(self))
    }
    pub fn verify(&self, signature: &Signature) -> Result<(), LightError> {
        self.validator_key
            .verify(Domain::Consensus, &self.chain_id, &greenhour_codec::encode(self), signature)
            .map_err(|e| LightError::BadSignature(format!("{}: {e}", self.validator_key)))
    }
}

/// A vote with its signature.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct SignedVote {
    pub vote: Vote,
    pub signature: Signature,
}

/// One validator's precommit in a certificate.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct CommitSignature {
    pub validator_key: PublicKey,
    pub signature: Signature,
}

/// Precommits for `block` at `height` and `round`: the proof a block was decided.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct CommitCertificate {
    pub height: Height,
    pub round: u32,
    pub block: Hash,
    pub signatures: Vec<CommitSignature>,
}

impl CommitCertificate {
    /// Signs a certificate with `keys` (tests, the consensus driver).
    pub fn sign(chain_id: &ChainId, height: Height, round: u32, block: Hash, keys: &[&SecretKey]) -> Self {
        let signatures = keys
            .iter()
            .map(|k| {
                let vote = Vote {
                    chain_id: chain_id.clone(),
                    height,
                    round,
                    kind: VoteKind::Precommit,
                    block: Some(block),
                    validator_key: k.public_key(),
                };
                CommitSignature { validator_key: k.public_key(), signature: vote.sign(k) }
            })
            .collect();
        CommitCertificate { height, round, block, signatures }
    }

    /// Checks that members of `set` holding more than two thirds of its power
    /// precommitted this block: every signer is in the set and listed once, and
    /// the signatures of a quorum (largest signers first) verify. Returns the
    /// power whose signatures were checked.
    pub fn verify(&self, chain_id: &ChainId, set: &ValidatorSet) -> Result<u128, LightError> {
        let total = set.total_power();
        let mut seen = BTreeSet::new();
        let mut signers = Vec::with_capacity(self.signatures.len());
        for s in &self.signatures {
            if !seen.insert(s.validator_key) {
                return Err(LightError::BadSignature(format!("{} signs twice", s.validator_key)));
            }
            let Some(power) = set.power_of(&s.validator_key) else {
                return Err(LightError::BadSignature(format!("{} is not in the set", s.validator_key)));
            };
            signers.push((power, s));
        }
        // Only a quorum needs checking (as CometBFT's light verification does):
        // the largest signers first, until they hold more than two thirds.
        signers.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.validator_key.cmp(&b.1.validator_key)));
        let mut signed = 0u128;
        let mut quorum = Vec::new();
        for (power, s) in signers {
            if 3 * signed > 2 * total {
                break;
            }
            signed += power as u128;
            quorum.push(s);
        }
        if 3 * signed <= 2 * total || total == 0 {
            return Err(LightError::NoQuorum { signed, total });
        }
        let messages: Vec<Vec<u8>> = quorum
            .iter()
            .map(|s| {
                greenhour_codec::encode(&Vote {
                    chain_id: chain_id.clone(),
                    height: self.height,
                    round: self.round,
                    kind: VoteKind::Precommit,
                    block: Some(self.block),
                    validator_key: s.validator_key,
                })
            })
            .collect();
        let items: Vec<SignedMessage<'_>> = quorum
            .iter()
            .zip(&messages)
            .map(|(s, m)| SignedMessage { public_key: &s.validator_key, message: m, signature: &s.signature })
            .collect();
        // ed25519 batches (about twice as fast as one by one), on two threads for
        // large sets; a failing batch is re-checked item by item to name the signer.
        let results = greenhour_crypto::verify_batch(Domain::Consensus, chain_id, &items, 2);
        if let Some((s, Err(e))) = quorum.iter().zip(results).find(|(_, r)| r.is_err()) {
            return Err(LightError::BadSignature(format!("{}: {e}", s.validator_key)));
        }
        Ok(signed)
    }
}
