//! The only place nft keys are spelled.

use crate::state::{ClassInfo, Token};
use greenhour_primitives::Address;
use greenhour_state::Key;

pub const CLASS_PREFIX: &str = "nft/class/";
pub const TOKEN_PREFIX: &str = "nft/token/";

pub fn class(name: &str) -> Key<ClassInfo> {
    Key::new(format!("{CLASS_PREFIX}{name}"))
}
pub fn token(class: &str, serial: u64) -> Key<Token> {
    Key::new(format!("{TOKEN_PREFIX}{class}/{serial:020}"))
}
pub fn tokens_of_class(class: &str) -> String {
    format!("{TOKEN_PREFIX}{class}/")
}
/// Owner index (value: unit).
pub fn owned(owner: &Address, class: &str, serial: u64) -> Key<()> {
    Key::new(format!("nft/owner/{owner}/{class}/{serial:020}"))
}
pub fn owned_prefix(owner: &Address) -> String {
    format!("nft/owner/{owner}/")
}
