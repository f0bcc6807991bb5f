use crate::{Token, TokenId};
use greenhour_primitives::Address;
use greenhour_state::Event;

pub fn minted(t: &Token) -> Event {
    Event::new("nft.minted").attr("id", &t.id).attr("owner", t.owner)
}
pub fn burned(t: &Token) -> Event {
    Event::new("nft.burned").attr("id", &t.id).attr("owner", t.owner)
}
pub fn transferred(id: &TokenId, from: &Address, to: &Address) -> Event {
    Event::new("nft.transferred").attr("id", id).attr("from", from).attr("to", to)
}
pub fn approved(t: &Token) -> Event {
    let spender = t.approved.map(|a| a.to_string()).unwrap_or_default();
    Event::new("nft.approved").attr("id", &t.id).attr("spender", spender)
}
