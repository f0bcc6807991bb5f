//! Classes and tokens, and the only code that reads or writes nft keys.
//! Modules call the keeper functions here; users act through [`crate::NftAction`].

use crate::{event, keys, NftError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::Address;
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A token's identity: its class and serial number within the class.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct TokenId {
    pub class: String,
    pub serial: u64,
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.class, self.serial)
    }
}

/// A class of tokens and the module that governs it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct ClassInfo {
    pub name: String,
    /// The only module that mints, burns and edits tokens of this class.
    pub minter: String,
    pub next_serial: u64,
    /// Live tokens.
    pub supply: u64,
}

/// One token.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Token {
    pub id: TokenId,
    pub owner: Address,
    /// May transfer the token once on the owner's behalf; cleared by any transfer.
    pub approved: Option<Address>,
    /// Set by the minting module (e.g. device, hours, quantity of a position).
    pub attributes: Vec<(String, String)>,
}

/// Most attributes on one token, and their size.
pub const MAX_ATTRIBUTES: usize = 32;
pub const MAX_ATTRIBUTE_BYTES: usize = 256;

pub(crate) fn valid_class_name(name: &str) -> bool {
    (1..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

pub fn class(state: &impl StateRead, name: &str) -> Result<ClassInfo, NftError> {
    state.get(&keys::class(name))?.ok_or_else(|| NftError::UnknownClass(name.to_string()))
}

pub fn token(state: &impl StateRead, id: &TokenId) -> Result<Token, NftError> {
    state.get(&keys::token(&id.class, id.serial))?.ok_or_else(|| NftError::UnknownToken(id.clone()))
}

/// The tokens an address holds, in (class, serial) order.
pub fn tokens_of(state: &impl StateRead, owner: &Address) -> Result<Vec<TokenId>, NftError> {
    tokens_page(state, owner, None, usize::MAX)
}

/// A page of the tokens `owner` holds, in (class, serial) order, those after
/// `after` only, at most `limit`: one bounded range read of the owner index.
pub fn tokens_page(
    state: &impl StateRead,
    owner: &Address,
    after: Option<&TokenId>,
    limit: usize,
) -> Result<Vec<TokenId>, NftError> {
    let prefix = keys::owned_prefix(owner);
    // Just past `after`'s own key: every later key sorts at or after it.
    let from = after.map_or(prefix.clone().into_bytes(), |id| {
        let mut key = keys::owned(owner, &id.class, id.serial).as_bytes().to_vec();
        key.push(0);
        key
    });
    Ok(state
        .scan_raw(prefix.as_bytes(), &from, limit)?
        .into_iter()
        .filter_map(|(k, _)| {
            let k = String::from_utf8(k).ok()?;
            let (class, serial) = k.strip_prefix(&prefix)?.rsplit_once('/')?;
            Some(TokenId { class: class.to_string(), serial: serial.parse().ok()? })
        })
        .collect())
}

fn require_minter(state: &impl StateRead, module: &str, class_name: &str) -> Result<ClassInfo, NftError> {
    let info = class(state, class_name)?;
    if info.minter != module {
        return Err(NftError::NotMinter { module: module.to_string(), class: class_name.to_string() });
    }
    Ok(info)
}

fn check_attributes(attributes: &[(String, String)]) -> Result<(), NftError> {
    if attributes.len() > MAX_ATTRIBUTES
        || attributes.iter().any(|(k, v)| k.len() > MAX_ATTRIBUTE_BYTES || v.len() > MAX_ATTRIBUTE_BYTES)
    {
        return Err(NftError::AttributesTooLarge);
    }
    Ok(())
}

fn put_token(state: &mut impl StateWrite, token: &Token) {
    state.put(&keys::token(&token.id.class, token.id.serial), token);
}

/// Mints the next token of `class_name` to `to`. Only the class's minter module.
/// Post-condition: the class supply grows by one and `to` owns the new token.
pub fn mint(
    state: &mut impl StateWrite,
    module: &str,
    class_name: &str,
    to: &Address,
    attributes: Vec<(String, String)>,
) -> Result<TokenId, NftError> {
    let mut info = require_minter(state, module, class_name)?;
    check_attributes(&attributes)?;
    let id = TokenId { class: class_name.to_string(), serial: info.next_serial };
    info.next_serial += 1;
    info.supply += 1;
    let token = Token { id: id.clone(), owner: *to, approved: None, attributes };
    state.put(&keys::class(class_name), &info);
    put_token(state, &token);
    state.put(&keys::owned(to, &id.class, id.serial), &());
    state.emit(event::minted(&token));
    Ok(id)
}

/// Burns a token. Only the class's minter module (owners cannot burn).
pub fn burn(state: &mut impl StateWrite, module: &str, id: &TokenId) -> Result<(), NftError> {
    let mut info = require_minter(state, module, &id.class)?;
    let t = token(state, id)?;
    info.supply -= 1; // a live token exists, so supply ≥ 1
    state.put(&keys::class(&id.class), &info);
    state.delete(&keys::token(&id.class, id.serial));
    state.delete(&keys::owned(&t.owner, &id.class, id.serial));
    state.emit(event::burned(&t));
    Ok(())
}

/// Replaces a token's attributes. Only the class's minter module.
pub fn set_attributes(
    state: &mut impl StateWrite,
    module: &str,
    id: &TokenId,
    attributes: Vec<(String, String)>,
) -> Result<(), NftError> {
    require_minter(state, module, &id.class)?;
    check_attributes(&attributes)?;
    let mut t = token(state, id)?;
    t.attributes = attributes;
    put_token(state, &t);
    Ok(())
}

fn move_token(state: &mut impl StateWrite, mut t: Token, to: &Address) {
    state.delete(&keys::owned(&t.owner, &t.id.class, t.id.serial));
    state.put(&keys::owned(to, &t.id.class, t.id.serial), &());
    let from = t.owner;
    t.owner = *to;
    t.approved = None;
    put_token(state, &t);
    state.emit(event::transferred(&t.id, &from, to));
}

/// Moves a token on behalf of `actor`, who must be its owner or approved spender.
/// Post-condition: `to` owns it and no approval survives.
pub fn transfer(state: &mut impl StateWrite, actor: &Address, id: &TokenId, to: &Address) -> Result<(), NftError> {
    let t = token(state, id)?;
    if t.owner != *actor && t.approved != Some(*actor) {
        return Err(NftError::NotAllowed { id: id.clone() });
    }
    if greenhour_bank::api::is_module_address(state, to).map_err(|e| NftError::Bank(e.to_string()))? {
        return Err(NftError::ModuleRecipient(*to));
    }
    move_token(state, t, to);
    Ok(())
}

/// Moves a token by its class's minter module (custody for collateral, settlement).
pub fn transfer_by_module(
    state: &mut impl StateWrite,
    module: &str,
    id: &TokenId,
    to: &Address,
) -> Result<(), NftError> {
    require_minter(state, module, &id.class)?;
    let t = token(state, id)?;
    move_token(state, t, to);
    Ok(())
}

/// Lets `spender` transfer the token once (or clears the approval with `None`). Owner only.
pub fn approve(
    state: &mut impl StateWrite,
    owner: &Address,
    id: &TokenId,
    spender: Option<Address>,
) -> Result<(), NftError> {
    let mut t = token(state, id)?;
    if t.owner != *owner {
        return Err(NftError::NotOwner { id: id.clone() });
    }
    t.approved = spender;
    put_token(state, &t);
    state.emit(event::approved(&t));
    Ok(())
}
