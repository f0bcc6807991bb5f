//! Denominations and coins.

use crate::Amount;
use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The name of a fungible asset held in `bank`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Denom(String);

/// Returned when a denom name breaks the rules of [`Denom::new`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid denom {0:?}: use 3-64 characters from [a-z0-9/_-], starting with a letter")]
pub struct DenomError(pub String);

impl Denom {
    /// Platform token: staking, governance, fees. 10^6 ughr = 1 GHR.
    pub const GHR: &'static str = "ughr";
    /// Stablecoin: 10^6 ugusd = 1 gUSD.
    pub const GUSD: &'static str = "ugusd";
    /// Carbon coin: 1 ugco2 = 1 gram CO2e.
    pub const GCO2: &'static str = "ugco2";

    pub fn new(name: impl Into<String>) -> Result<Self, DenomError> {
        let name = name.into();
        if Self::valid(&name) {
            Ok(Denom(name))
        } else {
            Err(DenomError(name))
        }
    }

    fn valid(name: &str) -> bool {
        let b = name.as_bytes();
        (3..=64).contains(&b.len())
            && b[0].is_ascii_lowercase()
            && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'/' | b'_' | b'-'))
    }

    /// True when the name obeys the rules of [`Denom::new`] (borsh decoding does not check them).
    pub fn is_valid(&self) -> bool {
        Self::valid(&self.0)
    }

    pub fn ghr() -> Self {
        Denom(Self::GHR.into())
    }
    pub fn gusd() -> Self {
        Denom(Self::GUSD.into())
    }
    pub fn gco2() -> Self {
        Denom(Self::GCO2.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// True for module-issued family denoms such as `slot/home/493000`. Only these
    /// can carry issuer rules (e.g. perishability); base denoms never do.
    pub fn is_namespaced(&self) -> bool {
        self.0.contains('/')
    }
}

impl fmt::Display for Denom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for Denom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Denom({})", self.0)
    }
}
impl TryFrom<String> for Denom {
    type Error = DenomError;
    fn try_from(s: String) -> Result<Self, DenomError> {
        Denom::new(s)
    }
}
impl From<Denom> for String {
    fn from(d: Denom) -> String {
        d.0
    }
}
impl FromStr for Denom {
    type Err = DenomError;
    fn from_str(s: &str) -> Result<Self, DenomError> {
        Denom::new(s)
    }
}

/// An amount of one denom.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Coin {
    pub denom: Denom,
    #[serde(with = "crate::amount_serde")]
    pub amount: Amount,
}

impl Coin {
    pub fn new(denom: Denom, amount: Amount) -> Self {
        Coin { denom, amount }
    }
    pub fn ghr(amount: Amount) -> Self {
        Coin::new(Denom::ghr(), amount)
    }
}

impl fmt::Display for Coin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}
impl fmt::Debug for Coin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

/// Returned when a coin string is not `<digits><denom>`, e.g. `1500ughr`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid coin {0:?}: expected an integer amount followed by a denom, e.g. 1500ughr")]
pub struct CoinParseError(pub String);

impl FromStr for Coin {
    type Err = CoinParseError;
    fn from_str(s: &str) -> Result<Self, CoinParseError> {
        let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(|| CoinParseError(s.into()))?;
        let (num, denom) = s.split_at(split);
        let amount = num.parse::<Amount>().map_err(|_| CoinParseError(s.into()))?;
        let denom = Denom::new(denom).map_err(|_| CoinParseError(s.into()))?;
        Ok(Coin { denom, amount })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denom_rules() {
        assert!(Denom::new("ughr").is_ok());
        assert!(Denom::new("slot/gpu-a/123").is_ok());
        for bad in ["", "ab", "Ughr", "1abc", "a b c", "abc\u{e9}", &"a".repeat(65)] {
            assert!(Denom::new(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn coin_parse() {
        let c: Coin = "1500ughr".parse().unwrap();
        assert_eq!(c, Coin::ghr(1500));
        assert!("ughr".parse::<Coin>().is_err());
        assert!("15".parse::<Coin>().is_err());
        assert!("99999999999999999999999999999999999999999ughr".parse::<Coin>().is_err());
    }
}
