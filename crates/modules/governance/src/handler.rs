//! Checks and executes governance actions, and the end-of-block work: deposit
//! periods that run out, votes that close, and passed proposals whose timelock
//! ends. Post-conditions are named on each function.

use crate::action::{GovernanceAction, ProposalMessage};
use crate::event::GovernanceEvent;
use crate::keys::Queue;
use crate::math::{self, Ballot, Outcome, ValidatorStake, BPS};
use crate::state::{self, Pause, PausedBy, Proposal, ProposalStatus, Raise, UpgradePlan, Vote};
use crate::{GovernanceError, GovernanceParams, DEPOSITS, NAME, RAISES};
use greenhour_bank::api as bank;
use greenhour_framework::params::ParamRouter;
use greenhour_framework::{BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, UnixSeconds};
use greenhour_staking::api as staking;
use greenhour_state::TxOverlay;
use std::sync::OnceLock;

/// The community pool: the module's own account.
pub fn community_pool() -> Address {
    static POOL: OnceLock<Address> = OnceLock::new();
    *POOL.get_or_init(|| Address::for_module(NAME))
}

/// Where GHR on sale waits until it is bought or the sale ends.
pub fn raise_escrow() -> Address {
    static ESCROW: OnceLock<Address> = OnceLock::new();
    *ESCROW.get_or_init(|| Address::for_module(RAISES))
}

/// Where deposits wait until their proposal's vote ends.
pub fn escrow() -> Address {
    static ESCROW: OnceLock<Address> = OnceLock::new();
    *ESCROW.get_or_init(|| Address::for_module(DEPOSITS))
}

pub fn execute(state: &mut impl StateWrite, tx: &TxCtx, action: &GovernanceAction) -> Result<(), GovernanceError> {
    let now = tx.block.time;
    match action {
        GovernanceAction::Submit { title, summary, messages, deposit, expedited } => {
            submit(state, tx, title, summary, messages, *deposit, *expedited).map(|_| ())
        }
        GovernanceAction::Deposit { proposal, amount } => add_deposit(state, &tx.signer, *proposal, *amount, now),
        GovernanceAction::Vote { proposal, options } => {
            let p = state::proposal(state, *proposal)?;
            if p.status != ProposalStatus::VotingPeriod || p.voting_end.is_none_or(|end| now >= end) {
                return Err(GovernanceError::WrongPeriod { id: p.id, period: "voting" });
            }
            let vote = Vote { voter: tx.signer, options: options.clone() };
            state::put_vote(state, p.id, &vote);
            let options = options.iter().map(|o| format!("{:?}:{}", o.option, o.weight_bps)).collect::<Vec<_>>();
            state.emit(GovernanceEvent::Voted { proposal: p.id, voter: tx.signer, options: options.join(",") }.into());
            Ok(())
        }
        GovernanceAction::GuardianPause { module, until, reason } => {
            let params = state::params(state)?;
            ensure_guardian(state, &tx.signer, now)?;
            let latest = now.saturating_add(params.max_guardian_pause_secs);
            if *until <= now || *until > latest {
                return Err(GovernanceError::BadPauseEnd { now, latest });
            }
            // A guardian may extend a pause in force, never shorten one (a
            // proposal's longer pause must outlast any guardian's).
            if let Some(current) = state::pause(state, module, now)?.filter(|p| p.until > *until) {
                return Err(GovernanceError::PauseRefused {
                    module: module.clone(),
                    why: format!("it is paused until {}, later than {until}", current.until),
                });
            }
            pause(
                state,
                Pause {
                    module: module.clone(),
                    until: *until,
                    by: PausedBy::Guardian(tx.signer),
                    reason: reason.clone(),
                },
            );
            Ok(())
        }
        GovernanceAction::GuardianUnpause { module } => {
            ensure_guardian(state, &tx.signer, now)?;
            // Guardians lift their own kind of pause; what a vote imposed, a vote lifts.
            match state::pause(state, module, now)? {
                None => Err(GovernanceError::PauseRefused { module: module.clone(), why: "it is not paused".into() }),
                Some(Pause { by: PausedBy::Proposal(id), .. }) => Err(GovernanceError::PauseRefused {
                    module: module.clone(),
                    why: format!("proposal {id} paused it: only a proposal lifts it"),
                }),
                Some(_) => {
                    unpause(state, module);
                    Ok(())
                }
            }
        }
        GovernanceAction::BuyRaise { raise, ghr, max_price } => {
            buy_raise(state, &tx.signer, *raise, *ghr, *max_price, now)
        }
    }
}

/// A sale's price now, ugusd per GHR: linear from its start price to its end price.
pub fn raise_price(r: &Raise, now: UnixSeconds) -> u128 {
    if now <= r.starts || r.ends <= r.starts {
        return r.start_price;
    }
    let elapsed = (now.min(r.ends) - r.starts) as u128;
    r.start_price - math::mul_div(r.start_price - r.end_price, elapsed, (r.ends - r.starts) as u128)
}

/// ugusd for `ghr` ughr at `price` ugusd per GHR, rounded up (against the buyer).
fn raise_cost(ghr: u128, price: u128) -> u128 {
    math::mul_div_up(ghr, price, 1_000_000)
}

/// Post-condition: the buyer paid the sale's price now into the community pool
/// and holds the GHR; the sale's sold and raised totals grew by as much.
fn buy_raise(
    state: &mut impl StateWrite,
    buyer: &Address,
    id: u64,
    ghr: u128,
    max_price: u128,
    now: UnixSeconds,
) -> Result<(), GovernanceError> {
    let mut r = state::raise(state, id)?;
    let refuse = |why: String| Err(GovernanceError::RaiseRefused { raise: id, why });
    if !r.open || now >= r.ends {
        return refuse(format!("the sale ended at {}", r.ends));
    }
    if ghr > r.offered - r.sold {
        return refuse(format!("{} ughr are left, asked for {ghr}", r.offered - r.sold));
    }
    let price = raise_price(&r, now);
    if price > max_price {
        return refuse(format!("the price is {price} ugusd per GHR, above the limit of {max_price}"));
    }
    let paid = raise_cost(ghr, price);
    bank::transfer(state, buyer, &community_pool(), &Coin::new(greenhour_primitives::Denom::gusd(), paid))?;
    bank::transfer(state, &raise_escrow(), buyer, &Coin::ghr(ghr))?;
    r.sold += ghr;
    r.raised += paid;
    state::put_raise(state, &r);
    state.emit(GovernanceEvent::RaiseBought { raise: id, buyer: *buyer, ghr, paid, price }.into());
    Ok(())
}

fn ensure_guardian(state: &impl StateRead, signer: &Address, now: UnixSeconds) -> Result<(), GovernanceError> {
    let set = state::guardians(state)?;
    if now >= set.expires_at || !set.members.contains(signer) {
        return Err(GovernanceError::NotGuardian { expires_at: set.expires_at });
    }
    Ok(())
}

/// Post-condition: the proposal is stored in its deposit or voting period, its
/// initial deposit escrowed, and queued for the end of that period.
pub(crate) fn submit(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    title: &str,
    summary: &str,
    messages: &[ProposalMessage],
    deposit: u128,
    expedited: bool,
) -> Result<u64, GovernanceError> {
    let params = state::params(state)?;
    let now = tx.block.time;
    if title.len() > params.max_title_bytes as usize || summary.len() > params.max_summary_bytes as usize {
        return Err(GovernanceError::BadProposal(format!(
            "title at most {} bytes, summary at most {}",
            params.max_title_bytes, params.max_summary_bytes
        )));
    }
    if messages.len() > params.max_messages as usize {
        return Err(GovernanceError::BadProposal(format!("at most {} messages", params.max_messages)));
    }
    for m in messages {
        check_against_state(state, m, &params, tx.block.height, now)?;
    }
    check_spends(state, messages)?;
    let min = min_deposit(&params, expedited);
    let required = math::mul_div(min, params.min_initial_deposit_bps as u128, BPS);
    if deposit < required {
        return Err(GovernanceError::InitialDepositTooSmall { given: deposit, required });
    }
    let id = state::next_proposal_id(state)?;
    let mut p = Proposal {
        id,
        proposer: tx.signer,
        title: title.into(),
        summary: summary.into(),
        messages: messages.to_vec(),
        expedited,
        status: ProposalStatus::DepositPeriod,
        submit_time: now,
        deposit_end: now.saturating_add(params.max_deposit_period_secs),
        total_deposit: 0,
        voting_start: None,
        voting_end: None,
        final_tally: None,
        execute_at: None,
        failure: None,
    };
    state.emit(
        GovernanceEvent::Submitted { proposal: id, proposer: tx.signer, messages: messages.len() as u32, expedited }
            .into(),
    );
    if deposit > 0 {
        escrow_deposit(state, &mut p, &tx.signer, deposit)?;
    }
    if p.total_deposit >= min {
        start_voting(state, &mut p, &params, now);
    } else {
        state::enqueue(state, Queue::DepositEnds, p.deposit_end, id);
    }
    state::put_proposal(state, &p);
    Ok(id)
}

/// What a message needs from the chain's state when submitted: an upgrade above
/// the current height, a pause that ends after now, a feed that exists. Checked
/// again at execution.
fn check_against_state(
    state: &impl StateRead,
    m: &ProposalMessage,
    _params: &GovernanceParams,
    height: u64,
    now: UnixSeconds,
) -> Result<(), GovernanceError> {
    match m {
        ProposalMessage::SoftwareUpgrade { height: at, .. } if *at <= height => {
            Err(GovernanceError::UpgradeInPast { height: *at, current: height })
        }
        ProposalMessage::Pause { until, .. } if *until <= now => {
            Err(GovernanceError::BadPauseEnd { now, latest: UnixSeconds::MAX })
        }
        ProposalMessage::SetGuardians { expires_at, .. } if *expires_at <= now => {
            Err(GovernanceError::BadMessage("a guardian set must expire after now".into()))
        }
        ProposalMessage::SetReporters { feed, .. } => {
            greenhour_oracle::api::feed(state, feed).map(|_| ()).map_err(|e| GovernanceError::BadMessage(e.to_string()))
        }
        _ => Ok(()),
    }
}

/// The proposal's spends, per denom, must fit the community pool now (it may
/// hold less when they execute; then the execution fails and changes nothing).
fn check_spends(state: &impl StateRead, messages: &[ProposalMessage]) -> Result<(), GovernanceError> {
    let mut asked: std::collections::BTreeMap<&greenhour_primitives::Denom, u128> = Default::default();
    for m in messages {
        if let ProposalMessage::CommunitySpend { coins, .. } = m {
            for c in coins {
                let total = asked.entry(&c.denom).or_default();
                *total = total.saturating_add(c.amount);
            }
        }
        if let ProposalMessage::Raise { ghr, .. } = m {
            let total = asked.entry(ghr_denom()).or_default();
            *total = total.saturating_add(*ghr);
        }
    }
    for (denom, amount) in asked {
        let held = bank::balance(state, &community_pool(), denom)?;
        if amount > held {
            return Err(GovernanceError::SpendAboveTreasury { denom: denom.to_string(), asked: amount, held });
        }
    }
    Ok(())
}

fn ghr_denom() -> &'static greenhour_primitives::Denom {
    static GHR: OnceLock<greenhour_primitives::Denom> = OnceLock::new();
    GHR.get_or_init(greenhour_primitives::Denom::ghr)
}

fn min_deposit(params: &GovernanceParams, expedited: bool) -> u128 {
    if expedited {
        params.expedited_min_deposit
    } else {
        params.min_deposit
    }
}

fn escrow_deposit(
    state: &mut impl StateWrite,
    p: &mut Proposal,
    depositor: &Address,
    amount: u128,
) -> Result<(), GovernanceError> {
    bank::transfer(state, depositor, &escrow(), &Coin::ghr(amount))?;
    // Both sums are bounded by the ughr supply, which the transfer above respected.
    let mine = state::deposit(state, p.id, depositor)?.saturating_add(amount);
    state::set_deposit(state, p.id, depositor, mine);
    p.total_deposit = p.total_deposit.saturating_add(amount);
    state.emit(
        GovernanceEvent::Deposited { proposal: p.id, depositor: *depositor, amount, total: p.total_deposit }.into(),
    );
    Ok(())
}

/// Post-condition: the deposit is escrowed; reaching the minimum opens the vote.
fn add_deposit(
    state: &mut impl StateWrite,
    depositor: &Address,
    id: u64,
    amount: u128,
    now: UnixSeconds,
) -> Result<(), GovernanceError> {
    let params = state::params(state)?;
    let mut p = state::proposal(state, id)?;
    if p.status != ProposalStatus::DepositPeriod || now >= p.deposit_end {
        return Err(GovernanceError::WrongPeriod { id, period: "deposit" });
    }
    escrow_deposit(state, &mut p, depositor, amount)?;
    if p.total_deposit >= min_deposit(&params, p.expedited) {
        state::dequeue(state, Queue::DepositEnds, p.deposit_end, id);
        start_voting(state, &mut p, &params, now);
    }
    state::put_proposal(state, &p);
    Ok(())
}

fn start_voting(state: &mut impl StateWrite, p: &mut Proposal, params: &GovernanceParams, now: UnixSeconds) {
    let period = if p.expedited { params.expedited_voting_period_secs } else { params.voting_period_secs };
    let end = now.saturating_add(period);
    p.status = ProposalStatus::VotingPeriod;
    p.voting_start = Some(now);
    p.voting_end = Some(end);
    state::enqueue(state, Queue::VotingEnds, end, p.id);
    state.emit(GovernanceEvent::VotingStarted { proposal: p.id, ends: end }.into());
}

pub fn pause(state: &mut impl StateWrite, pause: Pause) {
    let by = match &pause.by {
        PausedBy::Guardian(a) => a.to_string(),
        PausedBy::Proposal(id) => format!("proposal {id}"),
    };
    state.emit(GovernanceEvent::Paused { module: pause.module.clone(), until: pause.until, by }.into());
    state::put_pause(state, &pause);
}

fn unpause(state: &mut impl StateWrite, module: &str) {
    state::lift_pause(state, module);
    state.emit(GovernanceEvent::Unpaused { module: module.into() }.into());
}

/// The count of a proposal's votes against the stake bonded to active
/// validators now.
pub fn count(state: &impl StateRead, id: u64) -> Result<crate::state::Tally, GovernanceError> {
    let validators: Vec<ValidatorStake> = staking::all_validators(state)?
        .into_iter()
        .filter(|v| v.status == staking::ValidatorStatus::Active && v.shares > 0)
        .map(|v| ValidatorStake { operator: v.operator, tokens: v.tokens, shares: v.shares })
        .collect();
    let ballots = state::votes(state, id)?
        .into_iter()
        .map(|v| {
            Ok(Ballot { delegations: staking::delegations_by(state, &v.voter)?, voter: v.voter, options: v.options })
        })
        .collect::<Result<Vec<_>, GovernanceError>>()?;
    Ok(math::tally(&validators, &ballots))
}

/// End of block: deposit periods that ran out, votes that closed, timelocks
/// that ended — each queue from its front, at most `max_ends_per_block` each.
pub fn end_block<R: ParamRouter>(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), GovernanceError> {
    let params = state::params(state)?;
    let limit = params.max_ends_per_block as usize;
    for (at, id) in state::due(state, Queue::DepositEnds, ctx.time, limit)? {
        state::dequeue(state, Queue::DepositEnds, at, id);
        let mut p = state::proposal(state, id)?;
        if p.status == ProposalStatus::DepositPeriod {
            settle_deposits(state, &p, false)?;
            p.status = ProposalStatus::Dropped;
            state::put_proposal(state, &p);
            state.emit(GovernanceEvent::Dropped { proposal: id }.into());
        }
    }
    for (at, id) in state::due(state, Queue::VotingEnds, ctx.time, limit)? {
        state::dequeue(state, Queue::VotingEnds, at, id);
        close_vote(state, id, &params, ctx.time)?;
    }
    for (at, id) in state::due(state, Queue::Executes, ctx.time, limit)? {
        state::dequeue(state, Queue::Executes, at, id);
        execute_proposal::<R>(state, id, ctx)?;
    }
    for (at, id) in state::due(state, Queue::RaiseEnds, ctx.time, limit)? {
        state::dequeue(state, Queue::RaiseEnds, at, id);
        close_raise(state, id)?;
    }
    Ok(())
}

/// Post-condition: the sale is closed and its unsold GHR is back in the pool.
fn close_raise(state: &mut impl StateWrite, id: u64) -> Result<(), GovernanceError> {
    let mut r = state::raise(state, id)?;
    if !r.open {
        return Ok(());
    }
    let unsold = r.offered - r.sold;
    if unsold > 0 {
        bank::transfer(state, &raise_escrow(), &community_pool(), &Coin::ghr(unsold))?;
    }
    r.open = false;
    state::put_raise(state, &r);
    state.emit(GovernanceEvent::RaiseClosed { raise: id, sold: r.sold, raised: r.raised, returned: unsold }.into());
    Ok(())
}

/// Post-condition: the proposal is passed (queued behind the timelock),
/// rejected or vetoed, with its deposits returned or burned; or an expedited
/// proposal that missed its higher threshold goes on as a regular one.
fn close_vote(
    state: &mut impl StateWrite,
    id: u64,
    params: &GovernanceParams,
    now: UnixSeconds,
) -> Result<(), GovernanceError> {
    let mut p = state::proposal(state, id)?;
    if p.status != ProposalStatus::VotingPeriod {
        return Ok(());
    }
    let tally = count(state, id)?;
    let threshold = if p.expedited { params.expedited_threshold_bps } else { params.threshold_bps };
    let result = math::outcome(&tally, params.quorum_bps, threshold, params.veto_threshold_bps);
    let emit = |state: &mut _, outcome: &str| {
        let t = &tally;
        greenhour_state::StateWrite::emit(
            state,
            GovernanceEvent::Tallied {
                proposal: id,
                outcome: outcome.into(),
                yes: t.yes,
                no: t.no,
                abstain: t.abstain,
                no_with_veto: t.no_with_veto,
                bonded: t.bonded,
            }
            .into(),
        )
    };
    if p.expedited && result != Outcome::Passed && result != Outcome::Vetoed {
        // Cosmos: an expedited proposal that fails goes on as a regular one, its
        // votes kept, until the regular period from its start.
        let start = p.voting_start.unwrap_or(now);
        let end = start.saturating_add(params.voting_period_secs).max(now + 1);
        p.expedited = false;
        p.voting_end = Some(end);
        state::enqueue(state, Queue::VotingEnds, end, id);
        state::put_proposal(state, &p);
        emit(state, "continued");
        return Ok(());
    }
    p.final_tally = Some(tally.clone());
    match result {
        Outcome::Passed => {
            let at = now.saturating_add(params.timelock_secs);
            p.status = ProposalStatus::Passed;
            p.execute_at = Some(at);
            state::enqueue(state, Queue::Executes, at, id);
            settle_deposits(state, &p, false)?;
            emit(state, "passed");
        }
        Outcome::Rejected => {
            p.status = ProposalStatus::Rejected;
            settle_deposits(state, &p, false)?;
            emit(state, "rejected");
        }
        Outcome::Vetoed => {
            p.status = ProposalStatus::Vetoed;
            settle_deposits(state, &p, true)?;
            emit(state, "vetoed");
        }
    }
    state::put_proposal(state, &p);
    Ok(())
}

/// Returns every deposit to its depositor, or burns them all after a veto.
/// Post-condition: the proposal has no deposits left in escrow.
fn settle_deposits(state: &mut impl StateWrite, p: &Proposal, burn: bool) -> Result<(), GovernanceError> {
    let mut total = 0u128;
    for (depositor, amount) in state::deposits(state, p.id)? {
        if !burn {
            bank::transfer(state, &escrow(), &depositor, &Coin::ghr(amount))?;
        }
        state::set_deposit(state, p.id, &depositor, 0);
        total += amount;
    }
    if burn && total > 0 {
        bank::burn(state, DEPOSITS, &Coin::ghr(total))?;
    }
    if total > 0 {
        state.emit(GovernanceEvent::DepositsSettled { proposal: p.id, total, burned: burn }.into());
    }
    Ok(())
}

/// Runs a passed proposal's messages in one overlay: all of them change state,
/// or (the first failure recorded) none does.
fn execute_proposal<R: ParamRouter>(
    state: &mut impl StateWrite,
    id: u64,
    ctx: &BlockCtx,
) -> Result<(), GovernanceError> {
    let mut p = state::proposal(state, id)?;
    if p.status != ProposalStatus::Passed {
        return Ok(());
    }
    let mut overlay = TxOverlay::new(&mut *state);
    let result = p.messages.iter().try_for_each(|m| apply::<R>(&mut overlay, id, m, ctx));
    match result {
        Ok(()) => {
            for event in overlay.commit() {
                state.emit(event);
            }
            p.status = ProposalStatus::Executed;
            state.emit(GovernanceEvent::Executed { proposal: id }.into());
        }
        Err(e) => {
            drop(overlay);
            p.status = ProposalStatus::Failed;
            p.failure = Some(e.to_string());
            state.emit(GovernanceEvent::ExecutionFailed { proposal: id, reason: e.to_string() }.into());
        }
    }
    state::put_proposal(state, &p);
    Ok(())
}

fn apply<R: ParamRouter>(
    state: &mut impl StateWrite,
    id: u64,
    m: &ProposalMessage,
    ctx: &BlockCtx,
) -> Result<(), GovernanceError> {
    crate::action::check_message::<R>(m)?;
    match m {
        ProposalMessage::SetParam { module, name, value } => {
            let old = R::set(state, module, name, *value)?;
            state.emit(
                GovernanceEvent::ParamChanged { module: module.clone(), name: name.clone(), old, new: *value }.into(),
            );
        }
        ProposalMessage::CommunitySpend { to, coins } => {
            for coin in coins {
                bank::transfer(state, &community_pool(), to, coin)?;
            }
            let text = coins.iter().map(Coin::to_string).collect::<Vec<_>>().join(",");
            state.emit(GovernanceEvent::CommunitySpend { proposal: id, to: *to, coins: text }.into());
        }
        ProposalMessage::SoftwareUpgrade { name, height, info } => {
            if *height <= ctx.height {
                return Err(GovernanceError::UpgradeInPast { height: *height, current: ctx.height });
            }
            let plan = UpgradePlan { name: name.clone(), height: *height, info: info.clone(), proposal: id };
            state::set_upgrade_plan(state, Some(&plan));
            state.emit(GovernanceEvent::UpgradeScheduled { name: name.clone(), height: *height }.into());
        }
        ProposalMessage::CancelUpgrade => {
            if let Some(plan) = state::upgrade_plan(state)? {
                state::set_upgrade_plan(state, None);
                state.emit(GovernanceEvent::UpgradeCancelled { name: plan.name }.into());
            }
        }
        ProposalMessage::Pause { module, until, reason } => {
            if *until <= ctx.time {
                return Err(GovernanceError::BadPauseEnd { now: ctx.time, latest: UnixSeconds::MAX });
            }
            pause(
                state,
                Pause { module: module.clone(), until: *until, by: PausedBy::Proposal(id), reason: reason.clone() },
            );
        }
        ProposalMessage::Unpause { module } => unpause(state, module),
        ProposalMessage::Raise { purpose, ghr, start_price, end_price, duration_secs } => {
            bank::transfer(state, &community_pool(), &raise_escrow(), &Coin::ghr(*ghr))?;
            let raise = Raise {
                id: state::next_raise_id(state)?,
                proposal: id,
                purpose: purpose.clone(),
                offered: *ghr,
                sold: 0,
                raised: 0,
                start_price: *start_price,
                end_price: *end_price,
                starts: ctx.time,
                ends: ctx.time.saturating_add(*duration_secs),
                open: true,
            };
            state::enqueue(state, Queue::RaiseEnds, raise.ends, raise.id);
            state::put_raise(state, &raise);
            state.emit(
                GovernanceEvent::RaiseStarted {
                    raise: raise.id,
                    proposal: id,
                    ghr: *ghr,
                    start_price: *start_price,
                    end_price: *end_price,
                    ends: raise.ends,
                }
                .into(),
            );
        }
        ProposalMessage::SetReporters { feed, reporters, quorum } => {
            greenhour_oracle::api::set_reporters(state, feed, reporters, *quorum)
                .map_err(|e| GovernanceError::BadMessage(e.to_string()))?;
        }
        ProposalMessage::SetClaimIssuers { issuers } => {
            greenhour_rwa::api::set_claim_issuers(state, issuers)
                .map_err(|e| GovernanceError::BadMessage(e.to_string()))?;
        }
        ProposalMessage::SetFundMandate { fund, tranches } => {
            greenhour_funds::api::set_mandate(state, greenhour_funds::FundId(*fund), &crate::action::mandate(tranches))
                .map_err(|e| GovernanceError::BadMessage(e.to_string()))?;
        }
        ProposalMessage::SetGuardians { members, expires_at } => {
            state::put_guardians(
                state,
                &crate::state::GuardianSet { members: members.clone(), expires_at: *expires_at },
            );
            state.emit(GovernanceEvent::GuardiansSet { members: members.len() as u32, expires_at: *expires_at }.into());
        }
    }
    Ok(())
}
