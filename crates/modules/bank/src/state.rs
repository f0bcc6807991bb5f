//! The only code that reads or writes bank keys. Other modules move value
//! through these functions and nothing else.

use crate::{event, keys, math, BankError, ModuleAccount, Permission};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{Address, Amount, Coin, Denom, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// A denom that users may transfer only before `closes_at` and that its issuing
/// module burns from every holder afterwards (hour-slot tokens). Bank keeps a
/// holder index for it so that burn costs the number of holders, nothing more.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct PerishableDenom {
    pub denom: Denom,
    /// The module that registered it: the only one that may burn it out.
    pub issuer: String,
    /// From this block time on, user sends of the denom are refused.
    pub closes_at: UnixSeconds,
}

pub fn balance(state: &impl StateRead, owner: &Address, denom: &Denom) -> Result<Amount, BankError> {
    Ok(state.get(&keys::balance(owner, denom))?.unwrap_or(0))
}

/// Every non-zero balance of an address, in denom order.
pub fn balances(state: &impl StateRead, owner: &Address) -> Result<Vec<Coin>, BankError> {
    let prefix = keys::balances_of(owner);
    Ok(state
        .prefix::<Amount>(&prefix)?
        .into_iter()
        .filter_map(|(k, amount)| keys::parse_balance_key(&k).map(|(_, denom)| Coin { denom, amount }))
        .collect())
}

pub fn supply(state: &impl StateRead, denom: &Denom) -> Result<Amount, BankError> {
    Ok(state.get(&keys::supply(denom))?.unwrap_or(0))
}

/// Every denom's supply, in denom order.
pub fn supplies(state: &impl StateRead) -> Result<Vec<Coin>, BankError> {
    Ok(state
        .prefix::<Amount>(keys::SUPPLY_PREFIX)?
        .into_iter()
        .filter_map(|(k, amount)| {
            let denom = k.strip_prefix(keys::SUPPLY_PREFIX)?.parse().ok()?;
            Some(Coin { denom, amount })
        })
        .collect())
}

pub fn module_account(state: &impl StateRead, name: &str) -> Result<ModuleAccount, BankError> {
    state.get(&keys::module_account(name))?.ok_or_else(|| BankError::UnknownModuleAccount(name.to_string()))
}

pub fn is_module_address(state: &impl StateRead, address: &Address) -> Result<bool, BankError> {
    Ok(state.get(&keys::module_address(address))?.is_some())
}

/// The issuer rules of `denom`, if it is perishable (base denoms never are, and cost no read).
pub fn perishable(state: &impl StateRead, denom: &Denom) -> Result<Option<PerishableDenom>, BankError> {
    if !denom.is_namespaced() {
        return Ok(None);
    }
    Ok(state.get(&keys::perishable(denom))?)
}

/// Every registered perishable denom, in denom order.
pub fn perishables(state: &impl StateRead) -> Result<Vec<PerishableDenom>, BankError> {
    Ok(state.prefix::<PerishableDenom>(keys::PERISHABLE_PREFIX)?.into_iter().map(|(_, p)| p).collect())
}

/// The addresses holding a perishable denom, in key (bech32) order.
pub fn holders(state: &impl StateRead, denom: &Denom) -> Result<Vec<Address>, BankError> {
    let prefix = keys::holders_of(denom);
    Ok(state
        .prefix_raw(prefix.as_bytes())?
        .into_iter()
        .filter_map(|(k, _)| Address::from_key_hex(std::str::from_utf8(&k).ok()?.strip_prefix(&prefix)?))
        .collect())
}

fn set_balance(state: &mut impl StateWrite, owner: &Address, denom: &Denom, amount: Amount) -> Result<(), BankError> {
    let key = keys::balance(owner, denom);
    let tracked = perishable(state, denom)?.is_some();
    if amount == 0 {
        state.delete(&key);
        if tracked {
            state.delete(&keys::holder(denom, owner));
        }
    } else {
        state.put(&key, &amount);
        if tracked {
            state.put(&keys::holder(denom, owner), &());
        }
    }
    Ok(())
}

fn debit(state: &mut impl StateWrite, owner: &Address, coin: &Coin) -> Result<(), BankError> {
    let available = balance(state, owner, &coin.denom)?;
    let after = math::debit(available, coin.amount).ok_or_else(|| BankError::InsufficientFunds {
        address: *owner,
        denom: coin.denom.clone(),
        needed: coin.amount,
        available,
    })?;
    set_balance(state, owner, &coin.denom, after)
}

fn credit(state: &mut impl StateWrite, owner: &Address, coin: &Coin) -> Result<(), BankError> {
    let before = balance(state, owner, &coin.denom)?;
    let after = math::credit(before, coin.amount).ok_or_else(|| BankError::Overflow(coin.denom.clone()))?;
    set_balance(state, owner, &coin.denom, after)
}

/// Moves `coin` from `from` to `to`. Supply is unchanged.
/// Post-condition: `balance(from) + balance(to)` is the same before and after.
pub fn transfer(state: &mut impl StateWrite, from: &Address, to: &Address, coin: &Coin) -> Result<(), BankError> {
    if coin.amount == 0 {
        return Err(BankError::ZeroAmount(coin.denom.clone()));
    }
    debit(state, from, coin)?;
    credit(state, to, coin)?;
    state.emit(event::transfer(from, to, coin));
    Ok(())
}

fn require(state: &impl StateRead, module: &str, permission: Permission) -> Result<(), BankError> {
    let account = module_account(state, module)?;
    if account.has(permission) {
        Ok(())
    } else {
        Err(BankError::NoPermission {
            module: module.to_string(),
            permission: match permission {
                Permission::Mint => "mint",
                Permission::Burn => "burn",
            },
        })
    }
}

/// Creates `coin` in `to`'s balance. Only modules holding [`Permission::Mint`].
/// Post-condition: supply grows by exactly `coin.amount`.
pub fn mint(state: &mut impl StateWrite, module: &str, to: &Address, coin: &Coin) -> Result<(), BankError> {
    mint_coins(state, module, to, std::slice::from_ref(coin))
}

/// Creates several coins in `to`'s balance with one event (a pledge mints a slot
/// denom per hour). Only modules holding [`Permission::Mint`].
/// Post-condition: each denom's supply grows by exactly its amount.
pub fn mint_coins(state: &mut impl StateWrite, module: &str, to: &Address, coins: &[Coin]) -> Result<(), BankError> {
    require(state, module, Permission::Mint)?;
    for coin in coins {
        if coin.amount == 0 {
            return Err(BankError::ZeroAmount(coin.denom.clone()));
        }
        let supply_after = math::credit(supply(state, &coin.denom)?, coin.amount)
            .ok_or_else(|| BankError::Overflow(coin.denom.clone()))?;
        credit(state, to, coin)?;
        state.put(&keys::supply(&coin.denom), &supply_after);
    }
    state.emit(event::mint(module, to, coins));
    Ok(())
}

/// Destroys `coin` held by the module's own account. Only modules holding [`Permission::Burn`].
/// Post-condition: supply shrinks by exactly `coin.amount`.
pub fn burn(state: &mut impl StateWrite, module: &str, coin: &Coin) -> Result<(), BankError> {
    require(state, module, Permission::Burn)?;
    if coin.amount == 0 {
        return Err(BankError::ZeroAmount(coin.denom.clone()));
    }
    let account = module_account(state, module)?;
    debit(state, &account.address, coin)?;
    let supply_after = supply(state, &coin.denom)? - coin.amount; // cannot underflow: supply ≥ any balance
    if supply_after == 0 {
        state.delete(&keys::supply(&coin.denom));
    } else {
        state.put(&keys::supply(&coin.denom), &supply_after);
    }
    state.emit(event::burn(module, &account.address, coin));
    Ok(())
}

/// Declares `denom` perishable, issued by `module` (which needs both mint and burn
/// permission). Registering the same rules again is a no-op; different rules, or a
/// denom that already has holders, are refused.
pub fn register_perishable(
    state: &mut impl StateWrite,
    module: &str,
    denom: &Denom,
    closes_at: UnixSeconds,
) -> Result<(), BankError> {
    require(state, module, Permission::Mint)?;
    require(state, module, Permission::Burn)?;
    let rules = PerishableDenom { denom: denom.clone(), issuer: module.to_string(), closes_at };
    if !denom.is_namespaced() {
        return Err(BankError::PerishableConflict(denom.clone()));
    }
    match state.get(&keys::perishable(denom))? {
        Some(existing) if existing == rules => Ok(()),
        Some(_) => Err(BankError::PerishableConflict(denom.clone())),
        None if supply(state, denom)? > 0 => Err(BankError::PerishableConflict(denom.clone())),
        None => {
            state.put(&keys::perishable(denom), &rules);
            Ok(())
        }
    }
}

/// Burns every unit of a perishable denom from every holder and forgets the denom.
/// Only its issuer. Cost: the number of holders.
/// Post-condition: the denom's supply, balances and holder index are all gone.
pub fn burn_perished(state: &mut impl StateWrite, module: &str, denom: &Denom) -> Result<Amount, BankError> {
    let rules = perishable(state, denom)?.ok_or_else(|| BankError::NotPerishable(denom.clone()))?;
    if rules.issuer != module {
        return Err(BankError::NoPermission { module: module.to_string(), permission: "burn perished" });
    }
    let mut burned: Amount = 0;
    for holder in holders(state, denom)? {
        let amount = balance(state, &holder, denom)?;
        burned += amount; // Σ balances = supply ≤ u128::MAX
        state.delete(&keys::balance(&holder, denom));
        state.delete(&keys::holder(denom, &holder));
    }
    state.delete(&keys::supply(denom));
    state.delete(&keys::perishable(denom));
    state.emit(event::perished(module, &Coin::new(denom.clone(), burned)));
    Ok(burned)
}

/// Registers a module account (genesis only).
pub fn register_module_account(state: &mut impl StateWrite, account: &ModuleAccount) {
    state.put(&keys::module_account(&account.name), account);
    state.put(&keys::module_address(&account.address), &account.name);
}
