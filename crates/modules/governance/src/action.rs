//! What token holders, validators and guardians may do, and the typed messages
//! a proposal carries.

use crate::state::{VoteOption, WeightedOption};
use crate::GovernanceError;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_framework::params::{self, ParamRouter};
use greenhour_framework::{Action, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, UnixSeconds};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// A change a passed proposal makes. Each is checked when the proposal is
/// submitted (bounds, names, amounts) and again when it executes.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalMessage {
    /// Sets a parameter a module declares governed, within its declared bounds.
    SetParam {
        module: String,
        name: String,
        #[serde(with = "greenhour_primitives::amount_serde")]
        value: u128,
    },
    /// Pays from the community pool (fed by the community tax on staking rewards).
    CommunitySpend { to: Address, coins: Vec<Coin> },
    /// Schedules a software upgrade: nodes stop at `height` and name the release.
    SoftwareUpgrade { name: String, height: u64, info: String },
    /// Cancels the scheduled upgrade.
    CancelUpgrade,
    /// Refuses a module's actions until `until` (its block hooks keep running).
    Pause { module: String, until: UnixSeconds, reason: String },
    /// Lifts a module's pause.
    Unpause { module: String },
    /// Replaces the guardian set and its expiry.
    SetGuardians { members: Vec<Address>, expires_at: UnixSeconds },
    /// Replaces an oracle feed's reporter set and quorum (its open round restarts).
    SetReporters { feed: String, reporters: Vec<Address>, quorum: u32 },
    /// Raises gUSD for a named use by selling GHR from the community pool: a
    /// Dutch sale whose price falls linearly from `start_price` to `end_price`
    /// over `duration_secs` from execution (equal prices: a fixed-price sale).
    /// Unsold GHR returns to the pool when the sale ends.
    Raise {
        purpose: String,
        /// GHR offered, ughr.
        #[serde(with = "greenhour_primitives::amount_serde")]
        ghr: u128,
        /// ugusd per GHR (10⁶ ughr) at the start and at the end.
        #[serde(with = "greenhour_primitives::amount_serde")]
        start_price: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        end_price: u128,
        duration_secs: u64,
    },
    /// Replaces the RWA module's trusted claim issuers (the KYC providers whose
    /// claims verify investors).
    SetClaimIssuers { issuers: Vec<Address> },
    /// Replaces the `(package, tranche)` list a governed fund may subscribe to
    /// (the article's governance-approved fund mandate). What the fund holds is
    /// untouched; only new subscriptions need to be on the list.
    SetFundMandate { fund: u64, tranches: Vec<(u64, u32)> },
}

/// Most guardians a set may have.
pub const MAX_GUARDIANS: usize = 16;
/// Longest upgrade name and info, bytes.
pub const MAX_UPGRADE_TEXT: usize = 1_024;
/// Longest sale, seconds (30 days).
pub const MAX_RAISE_SECS: u64 = 30 * 86_400;

/// What token holders, validators and guardians may do.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GovernanceAction {
    /// Submits a proposal with an initial deposit (ughr, escrowed).
    Submit {
        title: String,
        summary: String,
        messages: Vec<ProposalMessage>,
        #[serde(with = "greenhour_primitives::amount_serde")]
        deposit: u128,
        /// A shorter vote with a higher threshold and deposit; if it fails the
        /// higher threshold it continues as a regular proposal.
        expedited: bool,
    },
    /// Adds to a proposal's deposit during its deposit period.
    Deposit {
        proposal: u64,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Votes with the signer's bonded GHR: one option, or a split whose weights
    /// add up to 10,000 bps. A validator's vote also counts for its delegators
    /// who do not vote themselves. Voting again replaces the vote.
    Vote { proposal: u64, options: Vec<WeightedOption> },
    /// A guardian pauses a module at once, for at most `max_guardian_pause_secs`;
    /// it may extend a pause in force, never shorten one.
    GuardianPause { module: String, until: UnixSeconds, reason: String },
    /// A guardian lifts a guardian's pause (a proposal's pause needs a proposal).
    GuardianUnpause { module: String },
    /// Buys `ghr` ughr from an open sale at its price now, paying gUSD into the
    /// community pool; refused if that price is above `max_price` (ugusd per GHR).
    BuyRaise {
        raise: u64,
        #[serde(with = "greenhour_primitives::amount_serde")]
        ghr: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_price: u128,
    },
}

impl GovernanceAction {
    /// A single-option vote.
    pub fn vote(proposal: u64, option: VoteOption) -> GovernanceAction {
        GovernanceAction::Vote { proposal, options: vec![WeightedOption { option, weight_bps: 10_000 }] }
    }
}

/// Checks a vote's options: one to four distinct options with positive weights
/// adding up to 10,000 bps.
pub fn check_options(options: &[WeightedOption]) -> Result<(), GovernanceError> {
    let bad = |why: &str| Err(GovernanceError::BadVote(why.into()));
    if options.is_empty() || options.len() > 4 {
        return bad("a vote has one to four options");
    }
    let mut seen: Vec<VoteOption> = options.iter().map(|o| o.option).collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != options.len() {
        return bad("an option appears twice");
    }
    if options.iter().any(|o| o.weight_bps == 0) {
        return bad("every option needs a positive weight");
    }
    if options.iter().map(|o| o.weight_bps as u64).sum::<u64>() != 10_000 {
        return bad("the weights must add up to 10,000 bps");
    }
    Ok(())
}

/// Checks a message without state: names, amounts, and a parameter change
/// against the bounds its module declares (through the app's router `R`).
pub fn check_message<R: ParamRouter>(m: &ProposalMessage) -> Result<(), GovernanceError> {
    match m {
        ProposalMessage::SetParam { module, name, value } => {
            params::check_change::<R>(module, name, *value).map_err(GovernanceError::Param)
        }
        ProposalMessage::CommunitySpend { coins, .. } => {
            if coins.is_empty() || coins.iter().any(|c| c.amount == 0) {
                return Err(GovernanceError::BadMessage("a spend needs coins, none of them zero".into()));
            }
            let mut denoms: Vec<_> = coins.iter().map(|c| &c.denom).collect();
            denoms.sort_unstable();
            denoms.dedup();
            if denoms.len() != coins.len() {
                return Err(GovernanceError::BadMessage("a spend names a denom twice".into()));
            }
            Ok(())
        }
        ProposalMessage::SoftwareUpgrade { name, height, info } => {
            if name.trim().is_empty() || name.len() > MAX_UPGRADE_TEXT || info.len() > MAX_UPGRADE_TEXT {
                return Err(GovernanceError::BadMessage(format!(
                    "an upgrade needs a name; name and info at most {MAX_UPGRADE_TEXT} bytes"
                )));
            }
            if *height == 0 {
                return Err(GovernanceError::BadMessage("an upgrade height must be positive".into()));
            }
            Ok(())
        }
        ProposalMessage::CancelUpgrade => Ok(()),
        ProposalMessage::Pause { module, reason, .. } => {
            pausable::<R>(module)?;
            if reason.len() > MAX_UPGRADE_TEXT {
                return Err(GovernanceError::BadMessage("a pause reason is at most 1,024 bytes".into()));
            }
            Ok(())
        }
        ProposalMessage::Unpause { module } => pausable::<R>(module),
        ProposalMessage::SetGuardians { members, .. } => check_guardians(members),
        ProposalMessage::SetReporters { reporters, quorum, .. } => {
            greenhour_oracle::api::check_reporter_set(reporters, *quorum)
                .map_err(|e| GovernanceError::BadMessage(e.to_string()))
        }
        ProposalMessage::SetClaimIssuers { issuers } => {
            greenhour_rwa::api::check_claim_issuers(issuers).map_err(|e| GovernanceError::BadMessage(e.to_string()))
        }
        ProposalMessage::SetFundMandate { tranches, .. } => {
            greenhour_funds::api::check_mandate_list(&mandate(tranches))
                .map_err(|e| GovernanceError::BadMessage(e.to_string()))
        }
        ProposalMessage::Raise { purpose, ghr, start_price, end_price, duration_secs } => {
            if purpose.trim().is_empty() || purpose.len() > MAX_UPGRADE_TEXT {
                return Err(GovernanceError::BadMessage("a raise names its purpose, at most 1,024 bytes".into()));
            }
            if *ghr == 0 || *end_price == 0 || start_price < end_price {
                return Err(GovernanceError::BadMessage(
                    "a raise offers some GHR at a positive price that does not rise".into(),
                ));
            }
            if *duration_secs == 0 || *duration_secs > MAX_RAISE_SECS {
                return Err(GovernanceError::BadMessage(format!("a raise lasts 1 to {MAX_RAISE_SECS} s")));
            }
            Ok(())
        }
    }
}

/// A module that may be paused: one the app has, other than governance itself
/// (which must always be able to lift a pause).
pub fn pausable<R: ParamRouter>(module: &str) -> Result<(), GovernanceError> {
    if module == crate::NAME {
        return Err(GovernanceError::BadMessage("governance itself cannot be paused".into()));
    }
    if !R::modules().contains(&module) {
        return Err(GovernanceError::Param(params::ParamError::UnknownModule(module.into())));
    }
    Ok(())
}

fn check_guardians(members: &[Address]) -> Result<(), GovernanceError> {
    let mut sorted = members.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != members.len() || members.len() > MAX_GUARDIANS {
        return Err(GovernanceError::BadMessage(format!("guardians must be distinct, at most {MAX_GUARDIANS}")));
    }
    Ok(())
}

/// [`GovernanceAction`] bound to the app's parameter router `R`, so the
/// action can check a proposed parameter change against every module's declared
/// bounds when it is submitted. On the wire it is exactly the action.
pub struct Routed<R> {
    pub action: GovernanceAction,
    router: PhantomData<fn() -> R>,
}

impl<R> Routed<R> {
    pub fn new(action: GovernanceAction) -> Self {
        Routed { action, router: PhantomData }
    }
}

impl<R> From<GovernanceAction> for Routed<R> {
    fn from(action: GovernanceAction) -> Self {
        Routed::new(action)
    }
}

impl<R> Clone for Routed<R> {
    fn clone(&self) -> Self {
        Routed::new(self.action.clone())
    }
}
impl<R> std::fmt::Debug for Routed<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.action.fmt(f)
    }
}
impl<R> PartialEq for Routed<R> {
    fn eq(&self, other: &Self) -> bool {
        self.action == other.action
    }
}
impl<R> Eq for Routed<R> {}
impl<R> BorshSerialize for Routed<R> {
    fn serialize<W: std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        BorshSerialize::serialize(&self.action, writer)
    }
}
impl<R> BorshDeserialize for Routed<R> {
    fn deserialize_reader<Rd: std::io::Read>(reader: &mut Rd) -> std::io::Result<Self> {
        GovernanceAction::deserialize_reader(reader).map(Routed::new)
    }
}
impl<R> Serialize for Routed<R> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Serialize::serialize(&self.action, serializer)
    }
}
impl<'de, R> Deserialize<'de> for Routed<R> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <GovernanceAction as Deserialize>::deserialize(deserializer).map(Routed::new)
    }
}

impl<R: ParamRouter> Action for Routed<R> {
    type Error = GovernanceError;

    fn check(&self) -> Result<(), GovernanceError> {
        match &self.action {
            GovernanceAction::Submit { title, messages, .. } => {
                if title.trim().is_empty() {
                    return Err(GovernanceError::BadProposal("a proposal needs a title".into()));
                }
                messages.iter().try_for_each(check_message::<R>)
            }
            GovernanceAction::Deposit { amount, .. } => {
                if *amount == 0 {
                    return Err(GovernanceError::ZeroAmount);
                }
                Ok(())
            }
            GovernanceAction::Vote { options, .. } => check_options(options),
            GovernanceAction::GuardianPause { module, reason, .. } => {
                check_message::<R>(&ProposalMessage::Pause { module: module.clone(), until: 0, reason: reason.clone() })
            }
            GovernanceAction::GuardianUnpause { module } => pausable::<R>(module),
            GovernanceAction::BuyRaise { ghr, .. } => {
                if *ghr == 0 {
                    return Err(GovernanceError::ZeroAmount);
                }
                Ok(())
            }
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), GovernanceError> {
        crate::handler::execute(state, tx, &self.action)
    }
}

/// A proposal's mandate list in the funds module's types.
pub fn mandate(tranches: &[(u64, u32)]) -> Vec<(greenhour_rwa::PackageId, u32)> {
    tranches.iter().map(|(p, t)| (greenhour_rwa::PackageId(*p), *t)).collect()
}
