use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_crypto::{PublicKey, Signature};
use greenhour_devices::DeviceId;
use greenhour_primitives::{Address, ChainId, Hash, Height};
use serde::{Deserialize, Serialize};

/// The two vote steps of the consensus round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteKind {
    Prevote,
    Precommit,
}

/// A consensus vote as validators sign it (`Domain::Consensus`, the chain id,
/// then this struct's encoding): the consensus driver signs exactly these bytes,
/// so two of them are evidence the staking module can check.
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
    pub fn sign(&self, key: &greenhour_crypto::SecretKey) -> Signature {
        key.sign(greenhour_crypto::Domain::Consensus, &self.chain_id, &greenhour_codec::encode(self))
    }
}

/// A vote with its signature.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct SignedVote {
    pub vote: Vote,
    pub signature: Signature,
}

/// What validators, delegators and device owners may ask of the staking module.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StakingAction {
    /// The signer becomes a validator with a self-bond (at least `min_self_bond`).
    CreateValidator {
        consensus_key: PublicKey,
        moniker: String,
        commission_bps: u32,
        #[serde(with = "greenhour_primitives::amount_serde")]
        bond: u128,
    },
    /// Changes the operator's moniker and/or commission.
    EditValidator { moniker: Option<String>, commission_bps: Option<u32> },
    /// Bonds `amount` ughr to a validator.
    Delegate {
        validator: Address,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Starts unbonding `amount` ughr; it returns after the unbonding period.
    Undelegate {
        validator: Address,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// The device owner credits the device's verified green work to a validator
    /// (`None` unlinks it).
    LinkDevice { device: DeviceId, validator: Option<Address> },
    /// A jailed operator returns once its jail time is over.
    Unjail,
    /// Anyone proves a validator signed two different votes for the same
    /// height, round and step: it is slashed and jailed.
    ReportDoubleSign { first: Box<SignedVote>, second: Box<SignedVote> },
}
