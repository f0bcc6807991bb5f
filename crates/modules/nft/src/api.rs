//! What other modules may call: minting into a class they govern, reading a class
//! or token, and setting a token's attributes.

pub use crate::state::{class, mint, set_attributes, token, tokens_of, transfer};
