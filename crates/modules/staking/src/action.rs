use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_crypto::PublicKey;
use greenhour_devices::DeviceId;
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

pub use greenhour_light::{SignedVote, Vote, VoteKind};

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
