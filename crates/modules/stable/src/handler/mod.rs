//! What each gUSD action does. Every action that touches a vault first brings it
//! up to date (`touch`: pending redistribution applied, interest accrued and
//! minted), changes the vault and its branch's totals, checks its named
//! post-condition (`ensure_collateralised`, `ensure_min_debt`, `ensure_ceiling`)
//! and only then moves coins.

use crate::action::StableAction;
use crate::event::StableEvent;
use crate::math::{self, BPS, WAD};
use crate::params::{CollateralParams, StableParams};
use crate::state::{self, Branch, DenomAmount, Deposit, Pool, Redemptions, Vault, VaultId};
use crate::{keys, StableError};
use greenhour_bank::api as bank;
use greenhour_framework::{StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Denom, UnixSeconds};

mod direct;
pub use direct::end_block;

/// The module's account: it holds vault collateral, the stability pool's gUSD and
/// its collateral gains.
pub fn account() -> Address {
    static ACCOUNT: std::sync::OnceLock<Address> = std::sync::OnceLock::new();
    *ACCOUNT.get_or_init(|| Address::for_module(crate::NAME))
}

/// Where interest goes while the stability pool has no depositors (governance's
/// community pool to be).
pub fn treasury() -> Address {
    static ACCOUNT: std::sync::OnceLock<Address> = std::sync::OnceLock::new();
    *ACCOUNT.get_or_init(|| Address::for_module("stable/treasury"))
}

fn overflow<T>(v: Option<T>) -> Result<T, StableError> {
    v.ok_or(StableError::Overflow)
}

fn gusd(amount: u128) -> Coin {
    Coin::new(Denom::gusd(), amount)
}

pub fn execute(state: &mut impl StateWrite, tx: &TxCtx, action: &StableAction) -> Result<(), StableError> {
    let now = tx.block.time;
    let signer = tx.signer;
    match action {
        StableAction::Open { denom, collateral, debt, rate_bps } => {
            open(state, &signer, denom, *collateral, *debt, *rate_bps, now)
        }
        StableAction::Deposit { vault, amount } => adjust(state, &signer, *vault, Change::Deposit(*amount), now),
        StableAction::Withdraw { vault, amount } => adjust(state, &signer, *vault, Change::Withdraw(*amount), now),
        StableAction::Mint { vault, amount } => adjust(state, &signer, *vault, Change::Mint(*amount), now),
        StableAction::Repay { vault, amount } => adjust(state, &signer, *vault, Change::Repay(*amount), now),
        StableAction::SetRate { vault, rate_bps } => set_rate(state, &signer, *vault, *rate_bps, now),
        StableAction::Close { vault } => close(state, &signer, *vault, now),
        StableAction::Redeem { denom, amount, max_fee_bps } => {
            redeem(state, &signer, denom, *amount, *max_fee_bps, now).map(|_| ())
        }
        StableAction::Liquidate { vault } => liquidate(state, &signer, *vault, now),
        StableAction::PoolDeposit { amount } => pool_deposit(state, &signer, *amount),
        StableAction::PoolWithdraw { amount } => pool_withdraw(state, &signer, *amount),
    }
}

// ---- prices ------------------------------------------------------------------

/// A price read that passed its checks: gUSD micro-units per collateral unit, WAD.
/// Stale, missing, non-positive or disputed (reports spread too far) is refused.
pub fn price_wad(
    state: &impl StateRead,
    c: &CollateralParams,
    now: UnixSeconds,
    params: &StableParams,
) -> Result<u128, StableError> {
    greenhour_oracle::api::read_price(state, &c.feed, now, params.max_feed_spread_bps)
        .map_err(|e| StableError::PriceUnavailable(e.to_string()))
}

/// The trusted oracle price of one unit of a collateral denom, in ugusd (WAD):
/// what a redemption pays out at, before its fee.
pub fn collateral_price_wad(state: &impl StateRead, denom: &Denom, now: UnixSeconds) -> Result<u128, StableError> {
    let params = state::params(state)?;
    price_wad(state, collateral_params(&params, denom)?, now, &params)
}

fn collateral_params<'a>(params: &'a StableParams, denom: &Denom) -> Result<&'a CollateralParams, StableError> {
    params.collateral(denom).ok_or_else(|| StableError::UnknownCollateral(denom.clone()))
}

// ---- a vault brought up to date ------------------------------------------------

/// `vault` as of `now` without storing anything: pending redistribution applied
/// (rounded down, the dust stays unapplied in the branch) and interest accrued
/// (rounded up). Returns the vault and the redistributed collateral, debt and
/// interest it took on.
pub fn brought_up_to_date(
    vault: &Vault,
    branch: &Branch,
    now: UnixSeconds,
) -> Result<(Vault, u128, u128, u128), StableError> {
    let mut v = vault.clone();
    let dc = overflow(math::mul_div_down(
        v.stake,
        branch.collateral_per_stake_wad.saturating_sub(v.collateral_snapshot),
        WAD,
    ))?;
    let dd = overflow(math::mul_div_down(v.stake, branch.debt_per_stake_wad.saturating_sub(v.debt_snapshot), WAD))?;
    v.collateral = overflow(v.collateral.checked_add(dc))?;
    v.debt = overflow(v.debt.checked_add(dd))?;
    v.collateral_snapshot = branch.collateral_per_stake_wad;
    v.debt_snapshot = branch.debt_per_stake_wad;
    let interest = overflow(math::interest_up(v.debt, v.rate_bps, now.saturating_sub(v.last_touched)))?;
    v.debt = overflow(v.debt.checked_add(interest))?;
    v.last_touched = now;
    Ok((v, dc, dd, interest))
}

/// Loads a vault and its branch brought up to date, minting the interest it
/// accrued (to the stability pool, or the treasury when nobody is in it).
fn touch(state: &mut impl StateWrite, id: VaultId, now: UnixSeconds) -> Result<(Vault, Branch), StableError> {
    let stored = state::vault(state, id)?;
    let mut branch = state::branch(state, &stored.denom)?;
    let (vault, dc, dd, interest) = brought_up_to_date(&stored, &branch, now)?;
    branch.unapplied_collateral = overflow(branch.unapplied_collateral.checked_sub(dc))?;
    branch.unapplied_debt = overflow(branch.unapplied_debt.checked_sub(dd))?;
    branch.collateral = overflow(branch.collateral.checked_add(dc))?;
    branch.debt = overflow(branch.debt.checked_add(dd).and_then(|d| d.checked_add(interest)))?;
    if interest > 0 {
        let to_pool = pay_interest(state, interest, Interest::Minted)?;
        state.emit(StableEvent::Accrued { vault: id, interest, to_pool }.into());
    }
    Ok((vault, branch))
}

/// Where interest paid to gUSD's holders comes from.
enum Interest {
    /// A vault's interest: new gUSD, minted where it goes.
    Minted,
    /// A direct deposit's earnings: gUSD the module's account already holds.
    Held,
}

/// Interest goes to the stability pool's depositors, or to the treasury while
/// nobody is in it. Returns whether the pool got it.
fn pay_interest(state: &mut impl StateWrite, interest: u128, source: Interest) -> Result<bool, StableError> {
    let mut pool = state::pool(state)?;
    let to_pool = pool.shares > 0;
    let to = if to_pool { account() } else { treasury() };
    if to_pool {
        pool.gusd = overflow(pool.gusd.checked_add(interest))?;
        state.put(&keys::pool(), &pool);
    }
    match source {
        Interest::Minted => bank::mint(state, crate::NAME, &to, &gusd(interest))?,
        Interest::Held if to_pool => {}
        Interest::Held => bank::transfer(state, &account(), &to, &gusd(interest))?,
    }
    Ok(to_pool)
}

/// Stores a vault (its stake reset to its collateral) and its branch, keeping the
/// redemption index in step: a vault is in it exactly while it owes something.
fn store(state: &mut impl StateWrite, before: &Vault, mut vault: Vault, mut branch: Branch) -> Result<(), StableError> {
    branch.stakes = overflow(branch.stakes.checked_sub(before.stake).and_then(|s| s.checked_add(vault.collateral)))?;
    vault.stake = vault.collateral;
    state.delete(&keys::by_rate(&before.denom, before.rate_bps, before.id));
    if vault.debt > 0 {
        state.put(&keys::by_rate(&vault.denom, vault.rate_bps, vault.id), &());
    }
    state.put(&keys::branch(&vault.denom), &branch);
    state.put(&keys::vault(vault.id), &vault);
    Ok(())
}

// ---- post-conditions -----------------------------------------------------------

/// The vault's collateral covers its debt × the branch's minimum ratio at a trusted price.
fn ensure_collateralised(
    state: &impl StateRead,
    v: &Vault,
    c: &CollateralParams,
    now: UnixSeconds,
    params: &StableParams,
) -> Result<(), StableError> {
    if v.debt == 0 {
        return Ok(());
    }
    let price = price_wad(state, c, now, params)?;
    if !math::covers(v.collateral, price, v.debt, c.mcr_bps) {
        return Err(StableError::Undercollateralised {
            ratio_bps: math::ratio_bps_down(v.collateral, price, v.debt),
            mcr_bps: c.mcr_bps,
        });
    }
    Ok(())
}

fn ensure_min_debt(v: &Vault, params: &StableParams) -> Result<(), StableError> {
    if v.debt < params.min_debt {
        return Err(StableError::DebtTooSmall { debt: v.debt, min: params.min_debt });
    }
    Ok(())
}

fn ensure_ceiling(branch: &Branch, c: &CollateralParams) -> Result<(), StableError> {
    let owed = branch.debt.saturating_add(branch.unapplied_debt);
    if owed > c.debt_ceiling {
        return Err(StableError::DebtCeiling { denom: c.denom.clone(), debt: owed, ceiling: c.debt_ceiling });
    }
    Ok(())
}

fn ensure_rate(rate_bps: u32, params: &StableParams) -> Result<(), StableError> {
    if rate_bps < params.min_rate_bps || rate_bps > params.max_rate_bps {
        return Err(StableError::RateOutOfRange {
            rate_bps,
            min_bps: params.min_rate_bps,
            max_bps: params.max_rate_bps,
        });
    }
    Ok(())
}

fn owned(v: &Vault, signer: &Address) -> Result<(), StableError> {
    if v.owner != *signer {
        return Err(StableError::NotOwner(v.id));
    }
    Ok(())
}

// ---- vault actions -------------------------------------------------------------

/// Post-condition: a new vault owes `debt` ≥ the minimum at a ratio ≥ its branch's
/// minimum, within the ceiling; the signer gained `debt` gUSD for `collateral`.
fn open(
    state: &mut impl StateWrite,
    signer: &Address,
    denom: &Denom,
    collateral: u128,
    debt: u128,
    rate_bps: u32,
    now: UnixSeconds,
) -> Result<(), StableError> {
    let params = state::params(state)?;
    let c = collateral_params(&params, denom)?.clone();
    ensure_rate(rate_bps, &params)?;
    let id = VaultId(state.get(&keys::next_vault())?.unwrap_or(1));
    let mut branch = state::branch(state, denom)?;
    let vault = Vault {
        id,
        owner: *signer,
        denom: denom.clone(),
        collateral,
        debt,
        rate_bps,
        last_touched: now,
        stake: 0,
        collateral_snapshot: branch.collateral_per_stake_wad,
        debt_snapshot: branch.debt_per_stake_wad,
    };
    ensure_min_debt(&vault, &params)?;
    ensure_collateralised(state, &vault, &c, now, &params)?;
    branch.collateral = overflow(branch.collateral.checked_add(collateral))?;
    branch.debt = overflow(branch.debt.checked_add(debt))?;
    branch.vaults += 1;
    ensure_ceiling(&branch, &c)?;
    bank::transfer(state, signer, &account(), &Coin::new(denom.clone(), collateral))?;
    bank::mint(state, crate::NAME, signer, &gusd(debt))?;
    state.put(&keys::next_vault(), &(id.0 + 1));
    state.put(&keys::by_owner(signer, id), &());
    let empty = Vault { stake: 0, debt: 0, ..vault.clone() };
    store(state, &empty, vault, branch)?;
    state.emit(
        StableEvent::Opened { vault: id, owner: *signer, denom: denom.clone(), collateral, debt, rate_bps }.into(),
    );
    Ok(())
}

enum Change {
    Deposit(u128),
    Withdraw(u128),
    Mint(u128),
    Repay(u128),
}

/// Post-condition: after a withdrawal or a mint the vault is at or above its
/// minimum ratio and its branch within its ceiling; after a repayment it owes at
/// least the minimum debt.
fn adjust(
    state: &mut impl StateWrite,
    signer: &Address,
    id: VaultId,
    change: Change,
    now: UnixSeconds,
) -> Result<(), StableError> {
    let params = state::params(state)?;
    let before = state::vault(state, id)?;
    owned(&before, signer)?;
    let c = collateral_params(&params, &before.denom)?.clone();
    let (mut v, mut branch) = touch(state, id, now)?;
    let (dc, dd): (i128, i128) = match change {
        Change::Deposit(a) => {
            v.collateral = overflow(v.collateral.checked_add(a))?;
            branch.collateral = overflow(branch.collateral.checked_add(a))?;
            bank::transfer(state, signer, &account(), &Coin::new(v.denom.clone(), a))?;
            (a as i128, 0)
        }
        Change::Withdraw(a) => {
            v.collateral = v.collateral.checked_sub(a).ok_or(StableError::Insufficient {
                what: "collateral",
                held: v.collateral,
                asked: a,
            })?;
            branch.collateral = overflow(branch.collateral.checked_sub(a))?;
            ensure_collateralised(state, &v, &c, now, &params)?;
            bank::transfer(state, &account(), signer, &Coin::new(v.denom.clone(), a))?;
            (-(a as i128), 0)
        }
        Change::Mint(a) => {
            v.debt = overflow(v.debt.checked_add(a))?;
            branch.debt = overflow(branch.debt.checked_add(a))?;
            ensure_min_debt(&v, &params)?;
            ensure_collateralised(state, &v, &c, now, &params)?;
            ensure_ceiling(&branch, &c)?;
            bank::mint(state, crate::NAME, signer, &gusd(a))?;
            (0, a as i128)
        }
        Change::Repay(a) => {
            v.debt = v.debt.checked_sub(a).ok_or(StableError::Insufficient { what: "debt", held: v.debt, asked: a })?;
            branch.debt = overflow(branch.debt.checked_sub(a))?;
            ensure_min_debt(&v, &params)?;
            bank::transfer(state, signer, &account(), &gusd(a))?;
            bank::burn(state, crate::NAME, &gusd(a))?;
            (0, -(a as i128))
        }
    };
    store(state, &before, v, branch)?;
    state.emit(StableEvent::Adjusted { vault: id, collateral_delta: dc, debt_delta: dd }.into());
    Ok(())
}

fn set_rate(
    state: &mut impl StateWrite,
    signer: &Address,
    id: VaultId,
    rate_bps: u32,
    now: UnixSeconds,
) -> Result<(), StableError> {
    let params = state::params(state)?;
    let before = state::vault(state, id)?;
    owned(&before, signer)?;
    ensure_rate(rate_bps, &params)?;
    // Interest up to now at the old rate, from now on at the new one.
    let (mut v, branch) = touch(state, id, now)?;
    v.rate_bps = rate_bps;
    store(state, &before, v, branch)?;
    state.emit(StableEvent::RateSet { vault: id, rate_bps }.into());
    Ok(())
}

/// Post-condition: the vault is gone, its debt burned from the signer, its
/// collateral returned.
fn close(state: &mut impl StateWrite, signer: &Address, id: VaultId, now: UnixSeconds) -> Result<(), StableError> {
    let before = state::vault(state, id)?;
    owned(&before, signer)?;
    let (v, mut branch) = touch(state, id, now)?;
    if v.debt > 0 {
        bank::transfer(state, signer, &account(), &gusd(v.debt))?;
        bank::burn(state, crate::NAME, &gusd(v.debt))?;
    }
    if v.collateral > 0 {
        bank::transfer(state, &account(), signer, &Coin::new(v.denom.clone(), v.collateral))?;
    }
    remove(state, &before, &v, &mut branch)?;
    state.put(&keys::branch(&v.denom), &branch);
    state.emit(StableEvent::Closed { vault: id, collateral: v.collateral, debt: v.debt }.into());
    Ok(())
}

/// Takes an up-to-date vault out of its branch's totals and deletes it.
fn remove(state: &mut impl StateWrite, before: &Vault, v: &Vault, branch: &mut Branch) -> Result<(), StableError> {
    branch.collateral = overflow(branch.collateral.checked_sub(v.collateral))?;
    branch.debt = overflow(branch.debt.checked_sub(v.debt))?;
    branch.stakes = overflow(branch.stakes.checked_sub(before.stake))?;
    branch.vaults = branch.vaults.saturating_sub(1);
    state.delete(&keys::by_rate(&before.denom, before.rate_bps, before.id));
    state.delete(&keys::by_owner(&before.owner, before.id));
    state.delete(&keys::vault(before.id));
    Ok(())
}

// ---- redemptions ---------------------------------------------------------------

/// The fee rate a redemption of `amount` from a supply of `supply` pays now (WAD),
/// and the base rate it leaves.
pub fn redemption_fee(
    r: &Redemptions,
    amount: u128,
    supply: u128,
    now: UnixSeconds,
    params: &StableParams,
) -> Result<(u128, u128), StableError> {
    let decayed = math::decayed_base_rate(r.base_rate_wad, now.saturating_sub(r.updated_at) / 60);
    let base = overflow(math::raised_base_rate(decayed, amount, supply.max(1)))?;
    Ok((math::fee_rate_wad(params.redemption_floor_bps, base), base))
}

/// Post-condition: the redeemer burned `redeemed` ≤ `amount` gUSD and received
/// collateral worth `redeemed × (1 − fee)` at the trusted price, rounded down;
/// every vault touched lost debt and collateral in that proportion (the fee stays
/// with the vault, as in Liquity v2); no vault below 100 % was touched. Returns
/// `(redeemed, collateral paid out)`.
pub fn redeem(
    state: &mut impl StateWrite,
    signer: &Address,
    denom: &Denom,
    amount: u128,
    max_fee_bps: u32,
    now: UnixSeconds,
) -> Result<(u128, u128), StableError> {
    let params = state::params(state)?;
    let c = collateral_params(&params, denom)?.clone();
    let branch = state::branch(state, denom)?;
    let owed = branch.debt.saturating_add(branch.unapplied_debt);
    if amount > owed {
        return Err(StableError::RedeemTooMuch { denom: denom.clone(), asked: amount, debt: owed });
    }
    let price = price_wad(state, &c, now, &params)?;
    let supply = bank::supply(state, &Denom::gusd())?;
    let r = state::redemptions(state)?;
    let (fee_wad, base) = redemption_fee(&r, amount, supply, now, &params)?;
    let fee_bps = (fee_wad / (WAD / BPS)) as u64;
    if fee_bps > max_fee_bps as u64 {
        return Err(StableError::FeeAboveLimit { fee_bps, max_bps: max_fee_bps });
    }
    let mut left = amount;
    let mut paid_out = 0u128;
    let mut touched = 0u32;
    let mut cursor = String::new();
    'walk: while left > 0 && touched < params.max_redemption_vaults {
        let page = state::redemption_order(state, denom, &cursor, 32)?;
        if page.is_empty() {
            break;
        }
        for (key, id) in page {
            cursor = format!("{key}\0");
            if left == 0 || touched >= params.max_redemption_vaults {
                break 'walk;
            }
            let before = state::vault(state, id)?;
            let (mut v, mut b) = touch(state, id, now)?;
            touched += 1;
            // Redeeming a vault worth less than its debt would hand out more than it holds.
            if v.debt == 0 || !math::covers(v.collateral, price, v.debt, BPS as u32) {
                store(state, &before, v, b)?;
                continue;
            }
            let take = left.min(v.debt);
            let gross = overflow(math::units_down(take, price))?;
            let fee = overflow(math::mul_div_up(gross, fee_wad, WAD))?;
            let out = gross.saturating_sub(fee).min(v.collateral);
            v.debt -= take;
            v.collateral -= out;
            b.debt = overflow(b.debt.checked_sub(take))?;
            b.collateral = overflow(b.collateral.checked_sub(out))?;
            store(state, &before, v, b)?;
            state.emit(StableEvent::VaultRedeemed { vault: id, debt: take, collateral: out }.into());
            left -= take;
            paid_out += out;
        }
    }
    let redeemed = amount - left;
    if redeemed == 0 {
        return Err(StableError::NothingToRedeem(denom.clone()));
    }
    bank::transfer(state, signer, &account(), &gusd(redeemed))?;
    bank::burn(state, crate::NAME, &gusd(redeemed))?;
    if paid_out > 0 {
        bank::transfer(state, &account(), signer, &Coin::new(denom.clone(), paid_out))?;
    }
    // The base rate rises by what was actually redeemed.
    let (_, base) =
        if redeemed == amount { (fee_wad, base) } else { redemption_fee(&r, redeemed, supply, now, &params)? };
    state.put(&keys::redemptions(), &Redemptions { base_rate_wad: base, updated_at: now });
    state.emit(
        StableEvent::Redeemed {
            redeemer: *signer,
            denom: denom.clone(),
            gusd: redeemed,
            collateral: paid_out,
            fee_bps,
            vaults: touched,
        }
        .into(),
    );
    Ok((redeemed, paid_out))
}

// ---- liquidations --------------------------------------------------------------

/// Post-condition: the vault, below its minimum ratio at a trusted price, is gone.
/// Its debt was burned from the stability pool (down to the pool's floor) and the
/// rest redistributed over the branch's other vaults by stake; each took
/// collateral for its part up to debt × (1 + its penalty), the liquidator 0.5 % of
/// it, and the owner keeps whatever is left.
fn liquidate(
    state: &mut impl StateWrite,
    liquidator: &Address,
    id: VaultId,
    now: UnixSeconds,
) -> Result<(), StableError> {
    let params = state::params(state)?;
    let before = state::vault(state, id)?;
    let c = collateral_params(&params, &before.denom)?.clone();
    let price = price_wad(state, &c, now, &params)?;
    let (v, mut branch) = touch(state, id, now)?;
    if v.debt == 0 || math::covers(v.collateral, price, v.debt, c.mcr_bps) {
        return Err(StableError::Healthy {
            vault: id,
            ratio_bps: math::ratio_bps_down(v.collateral, price, v.debt),
            mcr_bps: c.mcr_bps,
        });
    }
    remove(state, &before, &v, &mut branch)?;
    let mut pool = state::pool(state)?;
    let reward = overflow(math::mul_div_down(v.collateral, params.liquidator_reward_bps as u128, BPS))?;
    let seizable = v.collateral - reward;
    // Gains need shares to go to: a pool without depositors (only dust) absorbs nothing.
    let available = if pool.shares == 0 { 0 } else { pool.gusd.saturating_sub(params.pool_floor) };
    let offset = v.debt.min(available);
    let redistributed = v.debt - offset;
    if redistributed > 0 && branch.stakes == 0 {
        return Err(StableError::NothingAbsorbs(id));
    }
    // Collateral in proportion to the debt each part takes, capped at debt × (1 + penalty).
    let share = |part: u128, penalty_bps: u32| -> Result<u128, StableError> {
        let pro_rata = overflow(math::mul_div_down(seizable, part, v.debt))?;
        let with_penalty = overflow(math::mul_div_up(part, BPS + penalty_bps as u128, BPS))?;
        Ok(pro_rata.min(overflow(math::units_up(with_penalty, price))?))
    };
    let to_pool = share(offset, c.pool_penalty_bps)?;
    let to_vaults = share(redistributed, c.redistribution_penalty_bps)?;
    let surplus = seizable - to_pool - to_vaults;
    if offset > 0 {
        pool.gusd -= offset;
        bank::burn(state, crate::NAME, &gusd(offset))?;
        let per_share = overflow(math::mul_div_down(to_pool, WAD, pool.shares))?;
        overflow(state::add_to(&mut pool.gains_per_share, &v.denom, per_share))?;
        // A share worth under 10⁻⁹ gUSD can no longer be priced: start a new epoch.
        if pool.gusd.saturating_mul(1_000_000_000) < pool.shares {
            state.put(&keys::epoch_gains(pool.epoch), &pool.gains_per_share);
            pool.epoch += 1;
            pool.shares = 0;
            pool.gains_per_share = Vec::new();
            state.emit(StableEvent::PoolEpoch { epoch: pool.epoch }.into());
        }
        state.put(&keys::pool(), &pool);
    }
    if redistributed > 0 {
        let dc = overflow(math::mul_div_down(to_vaults, WAD, branch.stakes))?;
        let dd = overflow(math::mul_div_down(redistributed, WAD, branch.stakes))?;
        branch.collateral_per_stake_wad = overflow(branch.collateral_per_stake_wad.checked_add(dc))?;
        branch.debt_per_stake_wad = overflow(branch.debt_per_stake_wad.checked_add(dd))?;
        branch.unapplied_collateral = overflow(branch.unapplied_collateral.checked_add(to_vaults))?;
        branch.unapplied_debt = overflow(branch.unapplied_debt.checked_add(redistributed))?;
    }
    state.put(&keys::branch(&v.denom), &branch);
    if reward > 0 {
        bank::transfer(state, &account(), liquidator, &Coin::new(v.denom.clone(), reward))?;
    }
    if surplus > 0 {
        bank::transfer(state, &account(), &v.owner, &Coin::new(v.denom.clone(), surplus))?;
    }
    state.emit(
        StableEvent::Liquidated {
            vault: id,
            liquidator: *liquidator,
            offset,
            redistributed,
            to_pool,
            to_vaults,
            to_liquidator: reward,
            surplus,
        }
        .into(),
    );
    Ok(())
}

// ---- the stability pool ----------------------------------------------------------

/// A deposit's gUSD now (its shares' part of the pool; nothing once its epoch ended),
/// rounded down.
pub fn deposit_value(d: &Deposit, pool: &Pool) -> u128 {
    if d.epoch != pool.epoch || pool.shares == 0 {
        return 0;
    }
    math::mul_div_down(d.shares, pool.gusd, pool.shares).unwrap_or(0)
}

/// A deposit's collateral gains not yet paid, by denom, rounded down.
pub fn pending_gains(state: &impl StateRead, d: &Deposit, pool: &Pool) -> Result<Vec<DenomAmount>, StableError> {
    let gains = if d.epoch == pool.epoch { pool.gains_per_share.clone() } else { state::epoch_gains(state, d.epoch)? };
    let mut out = Vec::new();
    for g in gains {
        let earned = g.amount.saturating_sub(state::lookup(&d.snapshots, &g.denom));
        let amount = overflow(math::mul_div_down(d.shares, earned, WAD))?;
        if amount > 0 {
            out.push(DenomAmount { denom: g.denom, amount });
        }
    }
    Ok(out)
}

/// Pays a depositor's pending gains and returns the deposit re-based on the
/// current epoch (an ended epoch's shares are worth nothing any more).
fn settle_gains(state: &mut impl StateWrite, owner: &Address, pool: &Pool) -> Result<Deposit, StableError> {
    let Some(d) = state::deposit(state, owner)? else {
        return Ok(Deposit { shares: 0, epoch: pool.epoch, snapshots: pool.gains_per_share.clone() });
    };
    for DenomAmount { denom, amount } in pending_gains(state, &d, pool)? {
        bank::transfer(state, &account(), owner, &Coin::new(denom.clone(), amount))?;
        state.emit(StableEvent::GainsPaid { depositor: *owner, denom, amount }.into());
    }
    let shares = if d.epoch == pool.epoch { d.shares } else { 0 };
    Ok(Deposit { shares, epoch: pool.epoch, snapshots: pool.gains_per_share.clone() })
}

fn put_deposit(state: &mut impl StateWrite, owner: &Address, d: &Deposit) {
    if d.shares == 0 {
        state.delete(&keys::deposit(owner));
    } else {
        state.put(&keys::deposit(owner), d);
    }
}

/// Post-condition: the depositor's shares are worth at most what it paid (shares round down).
fn pool_deposit(state: &mut impl StateWrite, owner: &Address, amount: u128) -> Result<(), StableError> {
    let mut pool = state::pool(state)?;
    let mut d = settle_gains(state, owner, &pool)?;
    let shares = if pool.shares == 0 { amount } else { overflow(math::mul_div_down(amount, pool.shares, pool.gusd))? };
    if shares == 0 {
        return Err(StableError::ZeroAmount);
    }
    bank::transfer(state, owner, &account(), &gusd(amount))?;
    pool.gusd = overflow(pool.gusd.checked_add(amount))?;
    pool.shares = overflow(pool.shares.checked_add(shares))?;
    d.shares = overflow(d.shares.checked_add(shares))?;
    state.put(&keys::pool(), &pool);
    put_deposit(state, owner, &d);
    state.emit(StableEvent::PoolChanged { depositor: *owner, gusd_delta: amount as i128, shares: d.shares }.into());
    Ok(())
}

/// Post-condition: the depositor received at most its shares' worth (shares burned round up).
fn pool_withdraw(state: &mut impl StateWrite, owner: &Address, amount: u128) -> Result<(), StableError> {
    // Without a deposit there is nothing to withdraw or collect, not even with 0.
    if state::deposit(state, owner)?.is_none() {
        return Err(StableError::DepositTooSmall { held: 0, asked: amount });
    }
    let mut pool = state::pool(state)?;
    let mut d = settle_gains(state, owner, &pool)?;
    if amount > 0 {
        let held = deposit_value(&d, &pool);
        if amount > held {
            return Err(StableError::DepositTooSmall { held, asked: amount });
        }
        // Taking everything burns every share (no dust shares left behind).
        let burned = if amount == held {
            d.shares
        } else {
            overflow(math::mul_div_up(amount, pool.shares, pool.gusd))?.min(d.shares)
        };
        pool.gusd -= amount;
        pool.shares -= burned;
        d.shares -= burned;
        bank::transfer(state, &account(), owner, &gusd(amount))?;
    }
    state.put(&keys::pool(), &pool);
    put_deposit(state, owner, &d);
    state.emit(StableEvent::PoolChanged { depositor: *owner, gusd_delta: -(amount as i128), shares: d.shares }.into());
    Ok(())
}
