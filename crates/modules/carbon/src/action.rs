use crate::state::CreditFilter;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{Address, Hash, UnixSeconds};
use serde::{Deserialize, Serialize};

/// The text a claim records about its beneficiary and use.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct ClaimTerms {
    /// Who the energy is claimed for (a name or an address), ≤ 128 bytes.
    pub beneficiary: String,
    /// What it was used for, ≤ 128 bytes.
    pub purpose: String,
    /// Where it was consumed (country, zone or site), ≤ 128 bytes.
    pub location: String,
    /// Consumption period `[start, end)`, at most a year.
    pub period_start: UnixSeconds,
    pub period_end: UnixSeconds,
}

/// What a credit retirement burns.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetireAsset {
    /// Tokens of one credit batch.
    Credit { batch: u64 },
    /// A pool's coin; the pool retires the same grams of its oldest holdings.
    Coin { pool: u64 },
}

/// What users, device operators and issuers may ask of the carbon module.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CarbonAction {
    /// Certifies accepted telemetry reports (anyone may relay; the bundles go to
    /// the device owner): the report's solar generation, minus what charged the
    /// battery (locked as `stored`), plus a storage-discharge bundle backed by
    /// earlier stored bundles.
    Issue {
        reports: Vec<Hash>,
    },
    /// Splits a bundle: the first `wh` Wh keep its id, the rest start a new bundle.
    Split {
        bundle: u64,
        wh: u64,
    },
    /// Moves a bundle (or its first `wh` Wh, split off first) to another account.
    Transfer {
        bundle: u64,
        to: Address,
        wh: Option<u64>,
    },
    /// The owner locks (reserves) a bundle: nothing moves it until unlocked.
    Lock {
        bundle: u64,
    },
    Unlock {
        bundle: u64,
    },
    /// The owner withdraws a bundle for good (e.g. exported to another registry).
    Cancel {
        bundle: u64,
    },
    /// Retires bundles irreversibly for a beneficiary and mints the signer a
    /// receipt NFT; with `wh`, only the first `wh` Wh of a single bundle.
    Claim {
        bundles: Vec<u64>,
        wh: Option<u64>,
        terms: ClaimTerms,
    },
    /// An issuer freezes a bundle that is not yet claimed.
    Revoke {
        bundle: u64,
        reason: String,
    },
    /// The signer declares its own metered consumption for past hours
    /// (`(hour, Wh)`, replacing earlier declarations), for the matching report.
    Declare {
        hours: Vec<(u64, u64)>,
    },
    /// Bridges an external credit batch by its registry serial number; tokens
    /// are minted to the signer once an issuer approves it.
    RegisterCredit {
        registry: String,
        serial: String,
        project: String,
        vintage: u16,
        kind: String,
        tonnes: u64,
        attributes: Vec<(String, String)>,
    },
    /// An issuer confirms a pending batch against its registry: mints
    /// `tonnes × 10⁶` grams of `credit/{batch}` to the registrant.
    ApproveCredit {
        batch: u64,
    },
    /// An issuer refuses a pending batch; its serial stays reserved.
    RejectCredit {
        batch: u64,
        reason: String,
    },
    /// An issuer opens a credit pool with an attribute filter.
    CreatePool {
        filter: CreditFilter,
    },
    /// Deposits credit tokens into a pool for the same grams of its coin.
    Deposit {
        pool: u64,
        batch: u64,
        #[serde(with = "greenhour_primitives::amount_serde")]
        grams: u128,
    },
    /// Burns a pool's coin for the same grams of one specific batch it holds.
    Redeem {
        pool: u64,
        batch: u64,
        #[serde(with = "greenhour_primitives::amount_serde")]
        grams: u128,
    },
    /// Burns credits or coin for a beneficiary and mints a receipt NFT.
    Retire {
        asset: RetireAsset,
        #[serde(with = "greenhour_primitives::amount_serde")]
        grams: u128,
        beneficiary: String,
        message: String,
    },
}
