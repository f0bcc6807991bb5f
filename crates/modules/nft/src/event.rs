//! Events: every mint, burn, transfer and approval is one.

use crate::{Token, TokenId};
use greenhour_framework::events::EventValue;
use greenhour_primitives::Address;
use greenhour_state::Event;

greenhour_framework::module_events! {
    /// Everything the nft module announces.
    pub enum NftEvent in "nft" {
        /// A token was minted by its class's minter.
        Minted = "minted" { id: TokenId, owner: Address },
        /// A token was burned.
        Burned = "burned" { id: TokenId, owner: Address },
        /// A token changed hands.
        Transferred = "transferred" { id: TokenId, from: Address, to: Address },
        /// The owner approved a spender (none: the approval was cleared).
        Approved = "approved" { id: TokenId, spender: Option<Address> },
    }
}

/// `class/serial`, as `Display` writes it; the serial is after the last `/`.
impl EventValue for TokenId {
    fn encode(&self) -> String {
        self.to_string()
    }
    fn decode(text: &str) -> Option<Self> {
        let (class, serial) = text.rsplit_once('/')?;
        Some(TokenId { class: class.to_string(), serial: serial.parse().ok()? })
    }
}

pub fn minted(t: &Token) -> Event {
    NftEvent::Minted { id: t.id.clone(), owner: t.owner }.into()
}
pub fn burned(t: &Token) -> Event {
    NftEvent::Burned { id: t.id.clone(), owner: t.owner }.into()
}
pub fn transferred(id: &TokenId, from: &Address, to: &Address) -> Event {
    NftEvent::Transferred { id: id.clone(), from: *from, to: *to }.into()
}
pub fn approved(t: &Token) -> Event {
    NftEvent::Approved { id: t.id.clone(), spender: t.approved }.into()
}
