//! Accounts' nonces: the replay protection every transaction passes through.

use greenhour_primitives::{Address, Nonce};
use greenhour_state::{Key, StateError, StateRead, StateWrite};

/// Number of transactions the account has had executed. Absent means zero.
pub fn nonce_key(address: &Address) -> Key<Nonce> {
    Key::new(format!("auth/nonce/{address}"))
}

pub fn nonce(state: &impl StateRead, address: &Address) -> Result<Nonce, StateError> {
    Ok(state.get(&nonce_key(address))?.unwrap_or(0))
}

pub fn set_nonce(state: &mut impl StateWrite, address: &Address, nonce: Nonce) {
    state.put(&nonce_key(address), &nonce);
}
