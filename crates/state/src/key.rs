use greenhour_codec::{BorshDeserialize, BorshSerialize};
use std::fmt;
use std::marker::PhantomData;

/// A state key bound to the type of its value, in the manner of reth's tables:
/// the key's spelling and its value type live together in a module's `keys.rs`.
pub struct Key<V> {
    bytes: Vec<u8>,
    _value: PhantomData<fn() -> V>,
}

impl<V: BorshSerialize + BorshDeserialize> Key<V> {
    pub fn new(path: impl Into<String>) -> Self {
        Key { bytes: path.into().into_bytes(), _value: PhantomData }
    }
}

impl<V> Key<V> {
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl<V> Clone for Key<V> {
    fn clone(&self) -> Self {
        Key { bytes: self.bytes.clone(), _value: PhantomData }
    }
}

impl<V> fmt::Debug for Key<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", String::from_utf8_lossy(&self.bytes))
    }
}
