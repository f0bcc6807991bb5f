//! Check and execute for staking actions, unbonding release, and the epoch
//! boundary (rewards, the next set). Every handler: checks → compute → write →
//! post-condition → event.

use crate::action::SignedVote;
use crate::state::{self, SetMember, Unbonding, Validator, ValidatorSet, ValidatorStatus};
use crate::{event, keys, math, StakingAction, StakingError, StakingParams, NAME};
use greenhour_bank::api as bank;
use greenhour_crypto::PublicKey;
use greenhour_devices::{api as devices, DeviceId};
use greenhour_framework::{Action, BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Height, UnixSeconds};
use std::sync::OnceLock;

/// The staking module account: holds bonded and unbonding tokens.
pub fn custody() -> Address {
    static CUSTODY: OnceLock<Address> = OnceLock::new();
    *CUSTODY.get_or_init(|| Address::for_module(NAME))
}

/// The community pool: the governance module's account.
fn community_pool() -> Address {
    static POOL: OnceLock<Address> = OnceLock::new();
    *POOL.get_or_init(|| Address::for_module(greenhour_framework::GOVERNANCE))
}

fn fee_collector() -> Address {
    static COLLECTOR: OnceLock<Address> = OnceLock::new();
    *COLLECTOR.get_or_init(|| Address::for_module("fee_collector"))
}

fn invalid(why: impl Into<String>) -> StakingError {
    StakingError::InvalidInput(why.into())
}

fn check_moniker(m: &str) -> Result<(), StakingError> {
    if m.trim().is_empty() || m.len() > 64 || m.chars().any(char::is_control) {
        return Err(invalid("a moniker is 1 to 64 bytes of printable text"));
    }
    Ok(())
}

impl Action for StakingAction {
    type Error = StakingError;

    fn check(&self) -> Result<(), StakingError> {
        match self {
            StakingAction::CreateValidator { consensus_key, moniker, commission_bps, bond } => {
                check_moniker(moniker)?;
                if *commission_bps > 10_000 {
                    return Err(invalid("commission above 10,000 bps"));
                }
                if !consensus_key.is_valid() {
                    return Err(invalid("the consensus key is not a valid ed25519 key"));
                }
                if *bond == 0 {
                    return Err(invalid("a zero bond"));
                }
                Ok(())
            }
            StakingAction::EditValidator { moniker, commission_bps } => {
                if let Some(m) = moniker {
                    check_moniker(m)?;
                }
                if commission_bps.is_some_and(|c| c > 10_000) {
                    return Err(invalid("commission above 10,000 bps"));
                }
                Ok(())
            }
            StakingAction::Delegate { amount: 0, .. } | StakingAction::Undelegate { amount: 0, .. } => {
                Err(invalid("a zero amount"))
            }
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), StakingError> {
        let me = &tx.signer;
        match self {
            StakingAction::CreateValidator { consensus_key, moniker, commission_bps, bond } => {
                create_validator(state, me, consensus_key, moniker, *commission_bps, *bond, tx.block.height)
            }
            StakingAction::EditValidator { moniker, commission_bps } => {
                let mut v = state::validator(state, me)?;
                if let Some(m) = moniker {
                    v.moniker = m.clone();
                }
                if let Some(c) = commission_bps {
                    v.commission_bps = *c;
                }
                state::put_validator(state, &v);
                state.emit(event::edited(&v));
                Ok(())
            }
            StakingAction::Delegate { validator, amount } => delegate(state, me, validator, *amount),
            StakingAction::Undelegate { validator, amount } => undelegate(state, me, validator, *amount, &tx.block),
            StakingAction::LinkDevice { device, validator } => link_device(state, me, *device, validator.as_ref()),
            StakingAction::Unjail => unjail(state, me, tx.block.time),
            StakingAction::ReportDoubleSign { first, second } => report_double_sign(state, &tx.block, first, second),
        }
    }
}

/// Registers the signer as a validator bonding `bond` to itself. Used by the
/// action and by genesis.
pub fn create_validator(
    state: &mut impl StateWrite,
    operator: &Address,
    consensus_key: &PublicKey,
    moniker: &str,
    commission_bps: u32,
    bond: u128,
    height: Height,
) -> Result<(), StakingError> {
    let params = state::params(state)?;
    if bond < params.min_self_bond {
        return Err(StakingError::BondTooSmall { bond, min: params.min_self_bond });
    }
    if state.get(&keys::validator(operator))?.is_some() {
        return Err(StakingError::Duplicate(format!("{operator} already operates a validator")));
    }
    if let Some(other) = state::validator_by_key(state, consensus_key)? {
        return Err(StakingError::Duplicate(format!("consensus key {consensus_key} already serves {other}")));
    }
    let v = Validator {
        operator: *operator,
        consensus_key: *consensus_key,
        moniker: moniker.into(),
        commission_bps,
        tokens: 0,
        shares: 0,
        status: ValidatorStatus::Active,
        created_at: height,
    };
    state::put_validator(state, &v);
    state.put(&keys::by_key(consensus_key), operator);
    state.emit(event::created(&v));
    delegate(state, operator, operator, bond)
}

/// Post-condition: the validator's tokens grow by `amount`, the module holds
/// `amount` more, and the delegator's shares grow by `to_shares_down(amount)`.
fn delegate(
    state: &mut impl StateWrite,
    delegator: &Address,
    validator: &Address,
    amount: u128,
) -> Result<(), StakingError> {
    let mut v = state::validator(state, validator)?;
    if let ValidatorStatus::Jailed { until } = v.status {
        return Err(StakingError::Jailed { validator: *validator, until });
    }
    let shares = math::to_shares_down(amount, v.tokens, v.shares).ok_or(StakingError::Overflow)?;
    if shares == 0 {
        return Err(invalid("the amount buys no shares"));
    }
    bank::transfer(state, delegator, &custody(), &Coin::ghr(amount))?;
    v.tokens = v.tokens.checked_add(amount).ok_or(StakingError::Overflow)?;
    v.shares = v.shares.checked_add(shares).ok_or(StakingError::Overflow)?;
    let held = state::delegation(state, validator, delegator)?;
    state::set_delegation(state, validator, delegator, held + shares);
    state::put_validator(state, &v);
    state.emit(event::bonded(validator, delegator, amount, true));
    Ok(())
}

/// Post-condition: the validator's tokens shrink by `amount`, which waits in an
/// unbonding entry until `now + unbonding_secs`.
fn undelegate(
    state: &mut impl StateWrite,
    delegator: &Address,
    validator: &Address,
    amount: u128,
    block: &BlockCtx,
) -> Result<(), StakingError> {
    let params = state::params(state)?;
    let mut v = state::validator(state, validator)?;
    let held = state::delegation(state, validator, delegator)?;
    let have = math::to_tokens_down(held, v.tokens, v.shares);
    // No tokens (or an overflowing request) means nothing can be taken out.
    let burn = math::to_shares_up(amount, v.tokens, v.shares).unwrap_or(u128::MAX);
    if amount > have || burn > held {
        return Err(StakingError::InsufficientDelegation {
            delegator: *delegator,
            validator: *validator,
            have,
            asked: amount,
        });
    }
    v.tokens -= amount;
    v.shares -= burn;
    state::set_delegation(state, validator, delegator, held - burn);
    state::put_validator(state, &v);
    let seq = state.get(&keys::next_unbonding())?.unwrap_or(0);
    let complete_at = block.time.saturating_add(params.unbonding_secs);
    let entry = Unbonding {
        delegator: *delegator,
        validator: *validator,
        amount,
        complete_at,
        created_height: block.height,
        seq,
    };
    state.put(&keys::unbonding(complete_at, seq), &entry);
    state.put(&keys::unbonding_of(validator, complete_at, seq), &(complete_at, seq));
    state.put(&keys::next_unbonding(), &(seq + 1));
    state.emit(event::bonded(validator, delegator, amount, false));
    Ok(())
}

fn link_device(
    state: &mut impl StateWrite,
    owner: &Address,
    device: DeviceId,
    validator: Option<&Address>,
) -> Result<(), StakingError> {
    let d = devices::device(state, device)?;
    if d.owner != *owner {
        return Err(StakingError::NotDeviceOwner { device: device.0, signer: *owner });
    }
    match validator {
        Some(v) => {
            state::validator(state, v)?;
            state.put(&keys::link(device), v);
        }
        None => state.delete(&keys::link(device)),
    }
    Ok(())
}

fn unjail(state: &mut impl StateWrite, operator: &Address, now: UnixSeconds) -> Result<(), StakingError> {
    let mut v = state::validator(state, operator)?;
    match v.status {
        ValidatorStatus::Active => Err(StakingError::NotJailed(*operator)),
        ValidatorStatus::Jailed { until } if now < until => Err(StakingError::Jailed { validator: *operator, until }),
        ValidatorStatus::Jailed { .. } => {
            v.status = ValidatorStatus::Active;
            state::put_validator(state, &v);
            state.emit(event::unjailed(&v));
            Ok(())
        }
    }
}

/// Checks that two signed votes prove a double sign, then burns
/// `double_sign_slash_bps` of the validator's bonded tokens and jails it.
/// Post-condition: the same key and height are never punished twice.
fn report_double_sign(
    state: &mut impl StateWrite,
    block: &BlockCtx,
    a: &SignedVote,
    b: &SignedVote,
) -> Result<(), StakingError> {
    let bad = |why: &str| Err(StakingError::InvalidEvidence(why.into()));
    let (va, vb) = (&a.vote, &b.vote);
    if va.chain_id != block.chain_id || vb.chain_id != block.chain_id {
        return bad("a vote is for another chain");
    }
    if va.validator_key != vb.validator_key || va.height != vb.height || va.round != vb.round || va.kind != vb.kind {
        return bad("the votes differ in signer, height, round or step");
    }
    if va.block == vb.block {
        return bad("both votes are for the same block");
    }
    let params = state::params(state)?;
    if va.height >= block.height || block.height - va.height > params.max_evidence_age_blocks {
        return bad("the votes are from the future or older than the evidence window");
    }
    if a.vote.verify(&a.signature).is_err() || b.vote.verify(&b.signature).is_err() {
        return bad("a signature does not verify");
    }
    let Some(operator) = state::validator_by_key(state, &va.validator_key)? else {
        return bad("no validator has this consensus key");
    };
    // One punishment per episode: a validator that equivocates signs two votes at
    // every height until it is jailed, and the evidence of each would otherwise
    // slash it again (Cosmos tombstones it for the same reason). Double signs up
    // to the height it was punished at, or while it sits in jail, are covered.
    let punished_at = state.get(&keys::double_sign_punished_at(&va.validator_key))?;
    if punished_at.is_some_and(|at| va.height <= at) {
        return bad("a double sign at or before this height was already punished");
    }
    let mut v = state::validator(state, &operator)?;
    if punished_at.is_some() && matches!(v.status, ValidatorStatus::Jailed { .. }) {
        return bad("the validator is in jail for a double sign already punished");
    }
    let burned = slash(state, &mut v, va.height, params.double_sign_slash_bps)?;
    v.status = ValidatorStatus::Jailed { until: block.time.saturating_add(params.jail_secs) };
    state::put_validator(state, &v);
    state.put(&keys::double_sign_punished_at(&va.validator_key), &block.height);
    state.emit(event::slashed(&v, burned, va.height));
    Ok(())
}

/// Burns `bps` of the validator's bonded tokens and of every unbonding entry
/// it started at or after `infraction_height` (rounding down, per entry), so
/// undelegating after misbehaving does not escape the penalty. Returns the total
/// burned; the caller stores `v`. Post-condition: the module still holds exactly
/// the bonded plus the unbonding tokens.
fn slash(
    state: &mut impl StateWrite,
    v: &mut Validator,
    infraction_height: Height,
    bps: u32,
) -> Result<u128, StakingError> {
    let fraction = |amount: u128| amount / 10_000 * bps as u128 + amount % 10_000 * bps as u128 / 10_000;
    let mut burned = fraction(v.tokens);
    v.tokens -= burned;
    for (_, (at, seq)) in state.prefix::<(UnixSeconds, u64)>(&keys::unbonding_of_prefix(&v.operator))? {
        let key = keys::unbonding(at, seq);
        let Some(mut entry) = state.get(&key)? else { continue };
        if entry.created_height < infraction_height {
            continue;
        }
        let cut = fraction(entry.amount);
        if cut > 0 {
            entry.amount -= cut;
            burned += cut;
            state.put(&key, &entry);
        }
    }
    if burned > 0 {
        bank::burn(state, NAME, &Coin::ghr(burned))?;
    }
    Ok(burned)
}

/// The set for the next epoch: active validators with tokens, by raw PoGCS
/// power (largest first, then address), at most `max_validators`, zero powers
/// dropped, then capped below a third.
pub fn compute_set(state: &impl StateRead, params: &StakingParams, epoch: u64) -> Result<ValidatorSet, StakingError> {
    let mut members: Vec<SetMember> = Vec::new();
    for v in state::all_validators(state)? {
        if v.status != ValidatorStatus::Active || v.tokens == 0 {
            continue;
        }
        let green = state::green_work(state, &v.operator)?;
        let power = math::raw_power(v.tokens, green, params.green_normaliser_milli);
        if power > 0 {
            members.push(SetMember { operator: v.operator, consensus_key: v.consensus_key, power });
        }
    }
    members.sort_by(|x, y| y.power.cmp(&x.power).then(x.operator.cmp(&y.operator)));
    members.truncate(params.max_validators as usize);
    let raw: Vec<u64> = members.iter().map(|m| m.power).collect();
    for (m, p) in members.iter_mut().zip(math::cap_below_third(&raw)) {
        m.power = p;
    }
    members.retain(|m| m.power > 0);
    // Capping makes powers equal: order those by address again.
    members.sort_by(|x, y| y.power.cmp(&x.power).then(x.operator.cmp(&y.operator)));
    Ok(ValidatorSet { epoch, members })
}

/// The epoch a height belongs to (height 1 starts epoch 0).
pub fn epoch_of(height: Height, params: &StakingParams) -> u64 {
    height.saturating_sub(1) / params.epoch_blocks.max(1)
}

/// Counts the parent's precommits for liveness, then, in the first block of an
/// epoch, makes the set fixed at the end of the last one current.
pub fn begin_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), StakingError> {
    let params = state::params(state)?;
    if let Some(signers) = &ctx.last_commit_signers {
        count_liveness(state, ctx, signers, &params)?;
    }
    if ctx.height > 1 && (ctx.height - 1).is_multiple_of(params.epoch_blocks.max(1)) {
        let next = state::next_set(state)?;
        if next != state::current_set(state)? {
            state.put(&keys::current_set(), &next);
        }
    }
    Ok(())
}

/// Every member of the set that signed the parent (the current set, before any
/// rotation in this block) whose precommit the block does not carry misses one
/// in the parent's window; past `window × (1 − min_signed)` misses it loses
/// `downtime_slash_bps` and is jailed for `downtime_jail_secs`, and its count
/// restarts. Signing costs no write: only misses are stored, and a count from an
/// older window starts over. Post-condition: no stored count exceeds the limit.
fn count_liveness(
    state: &mut impl StateWrite,
    ctx: &BlockCtx,
    signers: &[PublicKey],
    params: &StakingParams,
) -> Result<(), StakingError> {
    let signed_height = ctx.height.saturating_sub(1);
    let window = signed_height / params.liveness_window_blocks.max(1);
    let allowed = params.liveness_window_blocks * (10_000 - params.min_signed_bps.min(10_000) as u64) / 10_000;
    for member in state::current_set(state)?.members {
        if signers.contains(&member.consensus_key) {
            continue;
        }
        let key = keys::liveness(&member.consensus_key);
        let mut record = match state.get(&key)? {
            Some(r) if r.window == window => r,
            _ => state::Liveness { window, missed: 0 },
        };
        record.missed += 1;
        if record.missed <= allowed {
            state.put(&key, &record);
            continue;
        }
        state.delete(&key);
        let mut v = state::validator(state, &member.operator)?;
        if v.status != ValidatorStatus::Active {
            continue;
        }
        // The misses span the window so far: tokens unbonded since it began
        // were meant to be signing too.
        let window_start = window * params.liveness_window_blocks.max(1);
        let burned = slash(state, &mut v, window_start, params.downtime_slash_bps)?;
        v.status = ValidatorStatus::Jailed { until: ctx.time.saturating_add(params.downtime_jail_secs) };
        state::put_validator(state, &v);
        state.emit(event::downtime(&v, burned, record.missed, window));
    }
    Ok(())
}

/// Releases matured unbondings; at an epoch's last block pays the epoch's
/// rewards by power and fixes the next epoch's set.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), StakingError> {
    let params = state::params(state)?;
    release(state, ctx.time, &params)?;
    if ctx.height.is_multiple_of(params.epoch_blocks.max(1)) {
        let epoch = epoch_of(ctx.height, &params);
        pay_rewards(state, epoch, &params)?;
        let next = compute_set(state, &params, epoch + 1)?;
        for (key, _) in state.prefix_raw(keys::WORK_PREFIX.as_bytes())? {
            state.delete_raw(key);
        }
        if next != state::next_set(state)? {
            state.put(&keys::next_set(), &next);
        }
        state.emit(event::new_set(&next));
    }
    Ok(())
}

fn release(state: &mut impl StateWrite, now: UnixSeconds, params: &StakingParams) -> Result<(), StakingError> {
    let due = state.scan::<Unbonding>(keys::UNBONDING_PREFIX, "", params.release_per_block as usize)?;
    for (key, u) in due {
        if u.complete_at > now {
            break;
        }
        if u.amount > 0 {
            bank::transfer(state, &custody(), &u.delegator, &Coin::ghr(u.amount))?;
        }
        state.delete_raw(key.into_bytes());
        state.delete(&keys::unbonding_of(&u.validator, u.complete_at, u.seq));
        state.emit(event::released(&u.delegator, u.amount));
    }
    Ok(())
}

/// Pays the fees collected plus the epoch's inflation to the current set by
/// power: the operator takes its commission (and the rounding dust), the rest
/// goes to delegators by shares. Post-condition: the fee collector is empty and
/// every `ughr` paid out was collected or minted.
fn pay_rewards(state: &mut impl StateWrite, epoch: u64, params: &StakingParams) -> Result<(), StakingError> {
    let set = state::current_set(state)?;
    let total_power = set.total_power();
    if total_power == 0 {
        return Ok(());
    }
    let fees = bank::balance(state, &fee_collector(), &greenhour_primitives::Denom::ghr())?;
    if fees > 0 {
        bank::transfer(state, &fee_collector(), &custody(), &Coin::ghr(fees))?;
    }
    if params.inflation_per_epoch > 0 {
        bank::mint(state, NAME, &custody(), &Coin::ghr(params.inflation_per_epoch))?;
    }
    let gross = fees.checked_add(params.inflation_per_epoch).ok_or(StakingError::Overflow)?;
    // The community tax first (rounded down), as Cosmos's distribution module takes it.
    let tax = gross * params.community_tax_bps.min(10_000) as u128 / 10_000;
    if tax > 0 {
        bank::transfer(state, &custody(), &community_pool(), &Coin::ghr(tax))?;
    }
    let pot = gross - tax;
    let mut paid = 0u128;
    for (i, m) in set.members.iter().enumerate() {
        // The last member takes what rounding left, so the pot empties exactly.
        let share = if i + 1 == set.members.len() { pot - paid } else { pot * m.power as u128 / total_power };
        paid += share;
        let Ok(v) = state::validator(state, &m.operator) else { continue };
        let rest = share - share * v.commission_bps as u128 / 10_000;
        let mut to_delegators = 0u128;
        for (delegator, shares) in state::delegations_of(state, &m.operator)? {
            let part = if delegator == v.operator || v.shares == 0 { 0 } else { rest * shares / v.shares };
            if part > 0 {
                bank::transfer(state, &custody(), &delegator, &Coin::ghr(part))?;
                to_delegators += part;
            }
        }
        // Commission, the operator's own part and the rounding dust.
        let to_operator = share - to_delegators;
        if to_operator > 0 {
            bank::transfer(state, &custody(), &v.operator, &Coin::ghr(to_operator))?;
        }
    }
    state.emit(event::rewarded(epoch, pot, tax));
    Ok(())
}
