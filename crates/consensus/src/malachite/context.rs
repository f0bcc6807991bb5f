//! Greenhour's heights, blocks, votes and validator sets as Malachite sees them.
//!
//! The value consensus decides is a block *id* (its header hash); the block
//! itself travels as a stream of proposal parts and is kept by the host. A
//! vote signs exactly the bytes of a [`greenhour_light::Vote`], so Malachite's
//! commit certificates are light-client certificates and two conflicting votes
//! are double-sign evidence for the staking module.

use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_crypto::{CryptoError, PublicKey, SecretKey, Signature};
use greenhour_primitives::{ChainId, Hash};
use malachitebft_core_types as mc;
use std::fmt;

/// A validator as consensus names it: its consensus public key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct ValidatorAddress(pub PublicKey);

impl fmt::Display for ValidatorAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0 .0))
    }
}
impl fmt::Debug for ValidatorAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ValidatorAddress({self})")
    }
}
impl mc::Address for ValidatorAddress {}

/// A block height (genesis is 0; consensus decides heights from 1).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct BlockHeight(pub u64);

impl fmt::Display for BlockHeight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl mc::Height for BlockHeight {
    const ZERO: Self = BlockHeight(0);
    const INITIAL: Self = BlockHeight(1);
    fn increment_by(&self, n: u64) -> Self {
        BlockHeight(self.0.saturating_add(n))
    }
    fn decrement_by(&self, n: u64) -> Option<Self> {
        self.0.checked_sub(n).map(BlockHeight)
    }
    fn as_u64(&self) -> u64 {
        self.0
    }
}

/// The value decided at a height: the hash of the block's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize)]
pub struct BlockId(pub Hash);

impl mc::Value for BlockId {
    type Id = Hash;
    fn id(&self) -> Hash {
        self.0
    }
}

/// A proposal for a height and round.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Proposal {
    pub height: BlockHeight,
    pub round: mc::Round,
    pub value: BlockId,
    pub pol_round: mc::Round,
    pub proposer: ValidatorAddress,
}

impl mc::Proposal<GreenhourContext> for Proposal {
    fn height(&self) -> BlockHeight {
        self.height
    }
    fn round(&self) -> mc::Round {
        self.round
    }
    fn value(&self) -> &BlockId {
        &self.value
    }
    fn take_value(self) -> BlockId {
        self.value
    }
    fn pol_round(&self) -> mc::Round {
        self.pol_round
    }
    fn validator_address(&self) -> &ValidatorAddress {
        &self.proposer
    }
}

/// A prevote or precommit.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Vote {
    pub height: BlockHeight,
    pub round: mc::Round,
    pub kind: mc::VoteType,
    pub value: mc::NilOrVal<Hash>,
    pub validator: ValidatorAddress,
}

impl Vote {
    /// The light-client vote whose encoding this vote's signature covers.
    pub fn light(&self, chain_id: &ChainId) -> greenhour_light::Vote {
        greenhour_light::Vote {
            chain_id: chain_id.clone(),
            height: self.height.0,
            round: round_number(self.round),
            kind: match self.kind {
                mc::VoteType::Prevote => greenhour_light::VoteKind::Prevote,
                mc::VoteType::Precommit => greenhour_light::VoteKind::Precommit,
            },
            block: match self.value {
                mc::NilOrVal::Nil => None,
                mc::NilOrVal::Val(hash) => Some(hash),
            },
            validator_key: self.validator.0,
        }
    }
}

/// Malachite's rounds as the `u32` the light types carry. Votes and decided
/// certificates always have a round; `Nil` (never signed) maps to `u32::MAX`.
pub fn round_number(round: mc::Round) -> u32 {
    round.as_u32().unwrap_or(u32::MAX)
}

impl mc::Vote<GreenhourContext> for Vote {
    fn height(&self) -> BlockHeight {
        self.height
    }
    fn round(&self) -> mc::Round {
        self.round
    }
    fn value(&self) -> &mc::NilOrVal<Hash> {
        &self.value
    }
    fn take_value(self) -> mc::NilOrVal<Hash> {
        self.value
    }
    fn vote_type(&self) -> mc::VoteType {
        self.kind
    }
    fn validator_address(&self) -> &ValidatorAddress {
        &self.validator
    }
    // Vote extensions are disabled: votes carry none.
    fn extension(&self) -> Option<&mc::SignedExtension<GreenhourContext>> {
        None
    }
    fn take_extension(&mut self) -> Option<mc::SignedExtension<GreenhourContext>> {
        None
    }
    fn extend(self, _extension: mc::SignedExtension<GreenhourContext>) -> Self {
        self
    }
}

/// The first part of a proposal stream: whose proposal, for which height and round.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ProposalInit {
    pub height: BlockHeight,
    pub round: mc::Round,
    pub valid_round: mc::Round,
    pub proposer: ValidatorAddress,
}

/// What the proposer signs at the end of a stream: the init fields and the
/// hash of the block the chunks carry (`Domain::Proposal`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ProposalSeal {
    pub init: ProposalInit,
    pub block: Hash,
}

/// One message of a proposal stream: `Init`, then the encoded block in
/// `Chunk`s, then `Fin` with the proposer's signature over [`ProposalSeal`].
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum ProposalPart {
    Init(ProposalInit),
    Chunk(Vec<u8>),
    Fin(Signature),
}

impl mc::ProposalPart<GreenhourContext> for ProposalPart {
    fn is_first(&self) -> bool {
        matches!(self, ProposalPart::Init(_))
    }
    fn is_last(&self) -> bool {
        matches!(self, ProposalPart::Fin(_))
    }
}

/// A member of the validator set, with its PoGCS power.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Validator {
    pub address: ValidatorAddress,
    pub public_key: PublicKey,
    pub power: u64,
}

impl mc::Validator<GreenhourContext> for Validator {
    fn address(&self) -> &ValidatorAddress {
        &self.address
    }
    fn public_key(&self) -> &PublicKey {
        &self.public_key
    }
    fn voting_power(&self) -> mc::VotingPower {
        self.power
    }
}

/// The validators of a height, in the staking module's order (power, then operator).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ValidatorSet {
    pub validators: Vec<Validator>,
}

impl ValidatorSet {
    /// The consensus view of a staking set (members with no power are left out).
    pub fn from_staking(set: &greenhour_light::ValidatorSet) -> Self {
        ValidatorSet {
            validators: set
                .members
                .iter()
                .filter(|m| m.power > 0)
                .map(|m| Validator {
                    address: ValidatorAddress(m.consensus_key),
                    public_key: m.consensus_key,
                    power: m.power,
                })
                .collect(),
        }
    }
}

impl mc::ValidatorSet<GreenhourContext> for ValidatorSet {
    fn count(&self) -> usize {
        self.validators.len()
    }
    fn total_voting_power(&self) -> mc::VotingPower {
        self.validators.iter().map(|v| v.power).fold(0u64, u64::saturating_add)
    }
    fn get_by_address(&self, address: &ValidatorAddress) -> Option<&Validator> {
        self.validators.iter().find(|v| v.address == *address)
    }
    fn get_by_index(&self, index: usize) -> Option<&Validator> {
        self.validators.get(index)
    }
}

/// ed25519 with Greenhour's keys and signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ed25519;

impl mc::SigningScheme for Ed25519 {
    type DecodingError = CryptoError;
    type Signature = Signature;
    type PublicKey = PublicKey;
    type PrivateKey = SecretKey;

    fn decode_signature(bytes: &[u8]) -> Result<Signature, CryptoError> {
        let bytes: [u8; 64] =
            bytes.try_into().map_err(|_| CryptoError::Encoding(format!("signature of {} bytes", bytes.len())))?;
        Ok(Signature(bytes))
    }
    fn encode_signature(signature: &Signature) -> Vec<u8> {
        signature.0.to_vec()
    }
    fn decode_public_key(bytes: &[u8]) -> Result<PublicKey, CryptoError> {
        let bytes: [u8; 32] =
            bytes.try_into().map_err(|_| CryptoError::Encoding(format!("public key of {} bytes", bytes.len())))?;
        let key = PublicKey(bytes);
        if !key.is_valid() {
            return Err(CryptoError::InvalidPublicKey);
        }
        Ok(key)
    }
    fn encode_public_key(public_key: &PublicKey) -> Vec<u8> {
        public_key.0.to_vec()
    }
}

/// The Malachite context of a Greenhour chain.
#[derive(Clone, Copy, Debug, Default)]
pub struct GreenhourContext;

impl mc::Context for GreenhourContext {
    type Address = ValidatorAddress;
    type Height = BlockHeight;
    type ProposalPart = ProposalPart;
    type Proposal = Proposal;
    type Validator = Validator;
    type ValidatorSet = ValidatorSet;
    type Timeouts = mc::LinearTimeouts;
    type Value = BlockId;
    type Vote = Vote;
    type Extension = ();
    type SigningScheme = Ed25519;

    /// Weighted by power: a point in `[0, total)` drawn from
    /// `sha256(height ‖ round)` picks the member whose cumulative power covers it,
    /// so every node picks the same proposer and each validator proposes in
    /// proportion to its power.
    fn select_proposer<'a>(&self, set: &'a ValidatorSet, height: BlockHeight, round: mc::Round) -> &'a Validator {
        assert!(!set.validators.is_empty(), "a height needs at least one validator");
        let total = mc::ValidatorSet::total_voting_power(set).max(1);
        let seed =
            Hash::digest_parts(&[b"greenhour/proposer", &height.0.to_be_bytes(), &round_number(round).to_be_bytes()]);
        let mut point_bytes = [0u8; 8];
        point_bytes.copy_from_slice(&seed.0[..8]);
        let point = u64::from_be_bytes(point_bytes) % total;
        let mut covered = 0u64;
        for v in &set.validators {
            covered = covered.saturating_add(v.power);
            if point < covered {
                return v;
            }
        }
        &set.validators[set.validators.len() - 1]
    }

    fn new_proposal(
        &self,
        height: BlockHeight,
        round: mc::Round,
        value: BlockId,
        pol_round: mc::Round,
        address: ValidatorAddress,
    ) -> Proposal {
        Proposal { height, round, value, pol_round, proposer: address }
    }

    fn new_prevote(
        &self,
        height: BlockHeight,
        round: mc::Round,
        value_id: mc::NilOrVal<Hash>,
        address: ValidatorAddress,
    ) -> Vote {
        Vote { height, round, kind: mc::VoteType::Prevote, value: value_id, validator: address }
    }

    fn new_precommit(
        &self,
        height: BlockHeight,
        round: mc::Round,
        value_id: mc::NilOrVal<Hash>,
        address: ValidatorAddress,
    ) -> Vote {
        Vote { height, round, kind: mc::VoteType::Precommit, value: value_id, validator: address }
    }
}
