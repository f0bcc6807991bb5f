//! Deterministic binary encoding for every wire and state type (borsh).
//!
//! Invariants kept here:
//! - Encoding is canonical: one value has exactly one byte string (borsh's rule),
//!   so hashes of encodings are stable across machines.
//! - [`decode`] refuses trailing bytes and inputs above a caller-given limit, so
//!   adversarial input cannot smuggle data or force large allocations beyond it.
//! - The byte layout of every type is pinned by conformance fixtures
//!   (`crates/app/tests/fixtures/encodings.txt`); changing one is a reviewed act.

pub use borsh::{self, BorshDeserialize, BorshSerialize};

/// Why bytes could not be decoded.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum CodecError {
    /// Returned when the input is longer than the limit the caller allows.
    #[error("input of {len} bytes exceeds the limit of {limit} bytes")]
    TooLarge { len: usize, limit: usize },
    /// Returned when the bytes are not a valid encoding of the expected type.
    #[error("malformed encoding: {0}")]
    Malformed(String),
    /// Returned when a valid value is followed by extra bytes.
    #[error("{0} trailing bytes after a complete value")]
    TrailingBytes(usize),
}

/// Encodes a value canonically.
pub fn encode<T: BorshSerialize + ?Sized>(value: &T) -> Vec<u8> {
    borsh::to_vec(value).expect("borsh serialisation into a Vec cannot fail")
}

/// Decodes a value, refusing inputs over `limit` bytes and trailing bytes.
pub fn decode_limited<T: BorshDeserialize>(bytes: &[u8], limit: usize) -> Result<T, CodecError> {
    if bytes.len() > limit {
        return Err(CodecError::TooLarge { len: bytes.len(), limit });
    }
    let mut slice = bytes;
    let value = T::deserialize(&mut slice).map_err(|e| CodecError::Malformed(e.to_string()))?;
    if !slice.is_empty() {
        return Err(CodecError::TrailingBytes(slice.len()));
    }
    Ok(value)
}

/// Decodes a value from trusted storage (no size limit beyond the input itself).
pub fn decode<T: BorshDeserialize>(bytes: &[u8]) -> Result<T, CodecError> {
    decode_limited(bytes, usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_trailing_and_oversized() {
        let bytes = encode(&(7u32, 9u64));
        assert_eq!(decode::<(u32, u64)>(&bytes).unwrap(), (7, 9));
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode::<(u32, u64)>(&longer), Err(CodecError::TrailingBytes(1)));
        assert!(matches!(decode_limited::<(u32, u64)>(&bytes, 4), Err(CodecError::TooLarge { .. })));
        assert!(matches!(decode::<(u32, u64)>(&bytes[..5]), Err(CodecError::Malformed(_))));
    }

    #[test]
    fn huge_length_prefix_does_not_allocate() {
        // A Vec<u8> claiming 4 GiB of content with 4 bytes of input must fail, not allocate.
        let bytes = [0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4];
        assert!(decode::<Vec<u8>>(&bytes).is_err());
    }
}
