//! Greenhour primitives: the plain value types every other crate shares.
//!
//! Invariants kept here:
//! - An [`Address`] is exactly 20 bytes and renders as bech32 with the `gh` prefix;
//!   parsing rejects any other prefix, length or checksum.
//! - A [`Denom`] is 3–64 bytes of `[a-z0-9/_-]` starting with a letter, so it is
//!   safe inside state keys and URLs.
//! - [`Amount`] is `u128`; every helper here is checked (no wrapping, no floats).
//! - No I/O, no clocks, no randomness.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub mod address;
pub mod denom;
pub mod fixed;
pub mod hash;

pub use address::{Address, AddressError, ADDRESS_HRP};
pub use denom::{Coin, Denom, DenomError};
pub use hash::Hash;

/// A quantity of a denom in its smallest unit (e.g. `ughr`, 10^6 per GHR).
pub type Amount = u128;

/// Block height. Genesis state is height 0; the first block is height 1.
pub type Height = u64;

/// Per-account transaction counter used for replay protection.
pub type Nonce = u64;

/// Seconds since the Unix epoch, as written in a block header (never read from a clock in state code).
pub type UnixSeconds = u64;

/// A UTC hour index: `unix_seconds / 3600`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
pub struct Hour(pub u64);

impl Hour {
    /// The hour that contains `time`.
    pub fn containing(time: UnixSeconds) -> Self {
        Hour(time / 3600)
    }
    /// First second of the hour.
    pub fn start(self) -> UnixSeconds {
        self.0.saturating_mul(3600)
    }
}

/// Identifies one chain; every signature covers it, so a transaction signed for
/// one chain is invalid on every other.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct ChainId(String);

/// Returned when a chain id is empty, longer than 64 bytes, or has characters outside `[a-zA-Z0-9._-]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid chain id {0:?}: use 1-64 characters from [a-zA-Z0-9._-]")]
pub struct ChainIdError(pub String);

impl ChainId {
    pub fn new(id: impl Into<String>) -> Result<Self, ChainIdError> {
        let id = id.into();
        let ok = !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
        if ok {
            Ok(ChainId(id))
        } else {
            Err(ChainIdError(id))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// True when the id obeys the rules of [`ChainId::new`] (borsh decoding does not check them).
    pub fn is_valid(&self) -> bool {
        ChainId::new(self.0.clone()).is_ok()
    }
}

impl TryFrom<String> for ChainId {
    type Error = ChainIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ChainId::new(s)
    }
}
impl From<ChainId> for String {
    fn from(c: ChainId) -> String {
        c.0
    }
}
impl fmt::Display for ChainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl FromStr for ChainId {
    type Err = ChainIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChainId::new(s)
    }
}

/// Amounts travel as decimal strings in JSON because `u128` does not fit a JSON number
/// on most clients.
pub mod amount_serde {
    use super::Amount;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Amount, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            S(String),
            N(u64),
        }
        match Either::deserialize(d)? {
            Either::S(s) => s.parse::<Amount>().map_err(|_| {
                serde::de::Error::custom(format!("invalid amount {s:?}: expected a non-negative integer"))
            }),
            Either::N(n) => Ok(n as Amount),
        }
    }

    /// The same for `Option<Amount>`: a decimal string or `null`.
    pub mod option {
        use super::Amount;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(v: &Option<Amount>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => super::serialize(v, s),
                None => s.serialize_none(),
            }
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
            #[derive(Deserialize)]
            struct Wrapped(#[serde(with = "super")] Amount);
            Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(a)| a))
        }
    }

    /// The same for `Vec<(u64, Amount)>` (an id with its amount): `[[id, "amount"], …]`.
    pub mod keyed {
        use super::Amount;
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        #[derive(Serialize, Deserialize)]
        struct Pair(u64, #[serde(with = "super")] Amount);

        pub fn serialize<S: Serializer>(v: &[(u64, Amount)], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(v.iter().map(|&(id, a)| Pair(id, a)))
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(u64, Amount)>, D::Error> {
            Ok(Vec::<Pair>::deserialize(d)?.into_iter().map(|Pair(id, a)| (id, a)).collect())
        }
    }

    /// The same for `Vec<Amount>`: `["1", "2", …]`.
    pub mod vec {
        use super::Amount;
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        #[derive(Serialize, Deserialize)]
        struct One(#[serde(with = "super")] Amount);

        pub fn serialize<S: Serializer>(v: &[Amount], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(v.iter().map(|&a| One(a)))
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Amount>, D::Error> {
            Ok(Vec::<One>::deserialize(d)?.into_iter().map(|One(a)| a).collect())
        }
    }

    /// `i128` as a decimal string (accepting a JSON number that fits `i64` on input).
    pub mod signed {
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&v.to_string())
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
            #[derive(Deserialize)]
            #[serde(untagged)]
            enum Either {
                S(String),
                N(i64),
            }
            match Either::deserialize(d)? {
                Either::S(s) => s.parse().map_err(|_| {
                    serde::de::Error::custom(format!("invalid integer {s:?}: expected a decimal integer"))
                }),
                Either::N(n) => Ok(n as i128),
            }
        }
    }
}
