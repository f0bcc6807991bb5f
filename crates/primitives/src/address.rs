//! Account addresses: the first 20 bytes of SHA-256 of an ed25519 public key,
//! rendered as bech32 with the human-readable prefix `gh`.

use bech32::primitives::decode::CheckedHrpstring;
use bech32::{Bech32, Bech32m, Hrp};
use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The bech32 human-readable part of every Greenhour address.
pub const ADDRESS_HRP: &str = "gh";

/// A 20-byte account address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct Address(pub [u8; 20]);

/// Why an address string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Returned when the string is not valid bech32 (bad characters, mixed case or checksum).
    #[error("invalid address {0:?}: not valid bech32")]
    Bech32(String),
    /// Returned when the string carries a bech32m checksum: the same 20 bytes have
    /// exactly one accepted spelling, the bech32 one (BIP-173), as in Cosmos.
    #[error("invalid address {0:?}: it has a bech32m checksum; Greenhour addresses use bech32 (BIP-173)")]
    Bech32m(String),
    /// Returned when the prefix is not `gh`.
    #[error("invalid address {0:?}: prefix must be \"gh\"")]
    WrongPrefix(String),
    /// Returned when the payload is not exactly 20 bytes.
    #[error("invalid address {0:?}: payload must be 20 bytes")]
    WrongLength(String),
}

impl Address {
    /// The address owned by an ed25519 public key.
    pub fn from_public_key(public_key: &[u8; 32]) -> Self {
        let digest = Sha256::digest(public_key);
        let mut a = [0u8; 20];
        a.copy_from_slice(&digest[..20]);
        Address(a)
    }

    /// The address of a module account: no key can sign for it because it is
    /// derived from a name, not from a public key.
    pub fn for_module(name: &str) -> Self {
        let digest = Sha256::new().chain_update(b"greenhour/module/").chain_update(name.as_bytes()).finalize();
        let mut a = [0u8; 20];
        a.copy_from_slice(&digest[..20]);
        Address(a)
    }

    /// Lower-case hex of the 20 bytes: how state keys spell an address (a tenth of
    /// the cost of bech32, which stays the user-facing form).
    pub fn to_key_hex(&self) -> String {
        let mut buf = [0u8; 40];
        hex::encode_to_slice(self.0, &mut buf).expect("40 bytes hold 20 in hex");
        String::from_utf8(buf.to_vec()).expect("hex is ASCII")
    }

    /// Parses [`Address::to_key_hex`]'s form.
    pub fn from_key_hex(s: &str) -> Option<Address> {
        let mut a = [0u8; 20];
        hex::decode_to_slice(s, &mut a).ok()?;
        Some(Address(a))
    }

    pub fn to_bech32(&self) -> String {
        // Memoised per thread in a small direct-mapped table: a block spells the same
        // few addresses (the signer, module accounts) in every event, and the
        // checksum is most of an event's cost. A pure function, so determinism holds.
        type Spelled = Option<([u8; 20], String)>;
        thread_local! {
            static SPELLED: std::cell::RefCell<Vec<Spelled>> = std::cell::RefCell::new(vec![None; 256]);
        }
        let slot = (self.0[0] ^ self.0[19]) as usize;
        SPELLED.with(|table| {
            let mut table = table.borrow_mut();
            if let Some((bytes, text)) = &table[slot] {
                if *bytes == self.0 {
                    return text.clone();
                }
            }
            let hrp = Hrp::parse_unchecked(ADDRESS_HRP);
            let text = bech32::encode::<Bech32>(hrp, &self.0).expect("20 bytes always fit a bech32 string");
            table[slot] = Some((self.0, text.clone()));
            text
        })
    }
}

impl FromStr for Address {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Only the bech32 checksum: `bech32::decode` would take bech32m as well, giving
        // one address two spellings. All-uppercase is valid bech32 and accepted.
        let checked = match CheckedHrpstring::new::<Bech32>(s) {
            Ok(c) => c,
            Err(_) if CheckedHrpstring::new::<Bech32m>(s).is_ok() => return Err(AddressError::Bech32m(s.to_string())),
            Err(_) => return Err(AddressError::Bech32(s.to_string())),
        };
        if checked.hrp().to_lowercase() != ADDRESS_HRP {
            return Err(AddressError::WrongPrefix(s.to_string()));
        }
        let data: Vec<u8> = checked.byte_iter().collect();
        let arr: [u8; 20] = data.try_into().map_err(|_| AddressError::WrongLength(s.to_string()))?;
        Ok(Address(arr))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_bech32())
    }
}
impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_bech32())
    }
}
impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_bech32())
    }
}
impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bech32_round_trip_and_prefix() {
        let a = Address::from_public_key(&[7u8; 32]);
        let s = a.to_bech32();
        assert!(s.starts_with("gh1"));
        assert_eq!(s.parse::<Address>().unwrap(), a);
    }

    #[test]
    fn rejects_wrong_prefix_length_and_checksum() {
        let other = bech32::encode::<Bech32>(Hrp::parse("cosmos").unwrap(), &[1u8; 20]).unwrap();
        assert!(matches!(other.parse::<Address>(), Err(AddressError::WrongPrefix(_))));
        let short = bech32::encode::<Bech32>(Hrp::parse("gh").unwrap(), &[1u8; 19]).unwrap();
        assert!(matches!(short.parse::<Address>(), Err(AddressError::WrongLength(_))));
        let mut s = Address([3u8; 20]).to_bech32();
        let last = s.pop().unwrap();
        s.push(if last == 'q' { 'p' } else { 'q' });
        assert!(matches!(s.parse::<Address>(), Err(AddressError::Bech32(_))));
    }

    /// One spelling per address: the bech32m string of the same bytes is refused
    /// with its own reason (it was accepted as a second spelling).
    #[test]
    fn rejects_the_bech32m_spelling_of_an_address() {
        let a = Address::from_public_key(&[9u8; 32]);
        let m = bech32::encode::<Bech32m>(Hrp::parse("gh").unwrap(), &a.0).unwrap();
        assert_ne!(m, a.to_bech32());
        assert_eq!(m.parse::<Address>(), Err(AddressError::Bech32m(m.clone())));
        assert!(m.parse::<Address>().unwrap_err().to_string().contains("bech32m"));
    }

    /// BIP-173 allows an all-uppercase string; it is the same address. Mixed case is not bech32.
    #[test]
    fn accepts_an_all_uppercase_address_and_refuses_mixed_case() {
        let a = Address::from_public_key(&[5u8; 32]);
        let upper = a.to_bech32().to_uppercase();
        assert_eq!(upper.parse::<Address>(), Ok(a));
        let mut mixed = a.to_bech32();
        mixed.replace_range(0..1, "G");
        assert_eq!(mixed.parse::<Address>(), Err(AddressError::Bech32(mixed.clone())));
    }

    #[test]
    fn module_addresses_differ_from_key_addresses() {
        assert_ne!(Address::for_module("bank"), Address::for_module("fee_collector"));
    }
}

#[cfg(test)]
mod spelling_memo_tests {
    use super::Address;

    /// Two addresses in the same memo slot (same first ^ last byte) are each
    /// spelled correctly, however they alternate.
    #[test]
    fn memoised_spelling_is_the_addresses_own() {
        let a = Address([1; 20]); // slot 1 ^ 1 = 0
        let mut b = Address([2; 20]);
        b.0[0] = 0;
        b.0[19] = 0; // slot 0 too
        for _ in 0..3 {
            for addr in [a, b] {
                let (hrp, data) = bech32::decode(&addr.to_bech32()).unwrap();
                assert_eq!(hrp.as_str(), super::ADDRESS_HRP);
                assert_eq!(data, addr.0.to_vec());
            }
        }
        assert_ne!(a.to_bech32(), b.to_bech32());
    }
}
