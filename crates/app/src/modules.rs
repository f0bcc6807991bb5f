//! The module registry: every module of the app is declared once, in
//! [`registry!`]'s invocation below, and everything the app does per module is
//! derived from that one list:
//!
//! - the [`AppAction`] enum (one variant per module that takes actions) and its
//!   dispatch (`check`, `execute`, `signature_claims`);
//! - the module parts of [`Genesis`], [`init_genesis`] and [`export_genesis`],
//!   and the module accounts and NFT classes of the standard genesis
//!   ([`module_accounts`], [`nft_classes`]);
//! - the order of [`begin_block`], [`end_block`] and [`check_invariants`];
//! - the reads every module serves ([`query_docs`], [`answer_query`]), which the
//!   node serves over JSON-RPC and REST and documents in OpenAPI and OpenRPC;
//!
//! Invariants:
//! - **One order.** Hooks, genesis and invariant checks run in the list's order.
//! - **Stable wire tags.** An action's borsh tag is its variant's position among
//!   the modules that take actions, so a new module is appended at the end; moving
//!   a line changes the encoding of every transaction after it (the conformance
//!   fixtures fail).
//! - **One name.** A module's genesis field and JSON action tag are its
//!   [`Module::NAME`] (a test checks it).

use crate::error::AppError;
use crate::params::AppParams;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_framework::params::{ParamBound, ParamError, ParamRouter};
use greenhour_framework::queries::{ModuleQueries, Params, QueryDoc, QueryError};
use greenhour_framework::{
    Action, BlockCtx, ErrorInfo, Module, ModuleAccount, SignatureClaim, StateRead, StateWrite, TxCtx,
};
use greenhour_primitives::{ChainId, UnixSeconds};
use serde::{Deserialize, Serialize};

/// Declares the app's modules. Each line is
/// `field: ModuleType => ActionVariant(ActionType)` for a module that takes
/// actions, or `field: ModuleType` for one that only has hooks and state; the
/// attributes before a line go on its [`Genesis`] field.
macro_rules! registry {
    ($(
        $(#[$genesis_attr:meta])*
        $field:ident: $module:ty $(=> $variant:ident($action:ty))?
    ),* $(,)?) => {
        /// Every action any module accepts, tagged by module.
        #[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum AppAction {
            $($( $variant($action), )?)*
        }

        impl AppAction {
            /// The action's stateless check, with its error in `(module, code)` form.
            pub fn check(&self) -> Result<(), ErrorInfo> {
                match self {
                    $($( AppAction::$variant(a) => a.check().map_err(|e| ErrorInfo::from_coded(&e)), )?)*
                }
            }

            /// Executes the action inside the transaction's overlay, unless its module
            /// is paused (governance's circuit breaker; governance itself never is).
            pub fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), ErrorInfo> {
                match self {
                    $($( AppAction::$variant(a) => {
                        greenhour_governance::api::refuse_if_paused(state, <$module as Module>::NAME, tx.block.time)
                            .map_err(|e| ErrorInfo::from_coded(&e))?;
                        a.execute(state, tx).map_err(|e| ErrorInfo::from_coded(&e))
                    } )?)*
                }
            }

            /// The module that handles the action.
            pub fn module(&self) -> &'static str {
                match self {
                    $($( AppAction::$variant(_) => <$module as Module>::NAME, )?)*
                }
            }

            /// Signatures the action carries besides the transaction's own (see `Action::signature_claims`).
            pub fn signature_claims(&self, state: &impl StateRead) -> Vec<SignatureClaim> {
                match self {
                    $($( AppAction::$variant(a) => a.signature_claims(state), )?)*
                }
            }
        }

        /// The genesis file (`genesis.json`): the chain's identity and parameters,
        /// then each module's part under its name.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Genesis {
            pub chain_id: ChainId,
            /// Time of the genesis state; the first block's time must be later.
            pub genesis_time: UnixSeconds,
            #[serde(default)]
            pub params: AppParams,
            $( $(#[$genesis_attr])* pub $field: <$module as Module>::Genesis, )*
        }

        impl Genesis {
            /// A genesis with every module's default part.
            pub fn with_defaults(chain_id: ChainId, genesis_time: UnixSeconds) -> Genesis {
                Genesis {
                    chain_id,
                    genesis_time,
                    params: AppParams::default(),
                    $( $field: Default::default(), )*
                }
            }
        }

        /// `(genesis field, Module::NAME)` of every module, in the registry's order.
        pub const MODULES: &[(&str, &str)] = &[$( (stringify!($field), <$module as Module>::NAME), )*];

        /// The accounts every module owns, in the registry's order.
        pub fn module_accounts() -> Vec<ModuleAccount> {
            let mut accounts = Vec::new();
            $( accounts.extend_from_slice(<$module as Module>::ACCOUNTS); )*
            accounts
        }

        /// `(class, minting module)` for every module's NFT classes, in the registry's order.
        pub fn nft_classes() -> Vec<(&'static str, &'static str)> {
            let mut classes = Vec::new();
            $( classes.extend(<$module as Module>::NFT_CLASSES.iter().map(|c| (*c, <$module as Module>::NAME))); )*
            classes
        }

        /// Writes every module's part of `genesis`, in order.
        pub fn init_genesis(state: &mut impl StateWrite, genesis: &Genesis) -> Result<(), AppError> {
            $(
                <$module as Module>::init_genesis(state, &genesis.$field)
                    .map_err(|e| AppError::Genesis(e.to_string()))?;
            )*
            Ok(())
        }

        /// Reads every module's part back from `state` into a genesis with the given
        /// identity and parameters (`export(init(g)) == g` on a fresh chain).
        pub fn export_genesis(
            state: &impl StateRead,
            chain_id: ChainId,
            genesis_time: UnixSeconds,
            params: AppParams,
        ) -> Result<Genesis, AppError> {
            Ok(Genesis {
                chain_id,
                genesis_time,
                params,
                $( $field: <$module as Module>::export_genesis(state).map_err(|e| AppError::of_module(&e))?, )*
            })
        }

        /// Runs every module's `begin_block`, in order.
        pub fn begin_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), AppError> {
            $( <$module as Module>::begin_block(state, ctx).map_err(|e| AppError::of_module(&e))?; )*
            Ok(())
        }

        /// Runs every module's `end_block`, in order.
        pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), AppError> {
            $( <$module as Module>::end_block(state, ctx).map_err(|e| AppError::of_module(&e))?; )*
            Ok(())
        }

        /// Checks every module's invariants; returns `(module, what broke)` for the first failure.
        pub fn check_invariants(state: &impl StateRead) -> Result<(), (&'static str, String)> {
            $( <$module as Module>::check_invariants(state).map_err(|e| (<$module as Module>::NAME, e))?; )*
            Ok(())
        }

        /// Routes governance's parameter changes to the registry's modules: each
        /// module's governed parameters and bounds are those its `params.rs` declares.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct AppRouter;

        impl ParamRouter for AppRouter {
            fn bounds(module: &str) -> Option<&'static [ParamBound]> {
                $( if module == <$module as Module>::NAME { return Some(<$module as Module>::GOVERNED_PARAMS); } )*
                None
            }
            fn set(state: &mut impl StateWrite, module: &str, name: &str, value: u128) -> Result<u128, ParamError> {
                $( if module == <$module as Module>::NAME { return <$module as Module>::set_param(state, name, value); } )*
                Err(ParamError::UnknownModule(module.into()))
            }
            fn values(state: &impl StateRead, module: &str) -> Result<Vec<(&'static str, u128)>, ParamError> {
                $( if module == <$module as Module>::NAME { return <$module as Module>::governed_values(state); } )*
                Err(ParamError::UnknownModule(module.into()))
            }
            fn modules() -> &'static [&'static str] {
                &[$( <$module as Module>::NAME, )*]
            }
        }

        /// Every module's reads, in the registry's order (what the node serves and documents).
        pub fn query_docs() -> Vec<QueryDoc> {
            let mut docs = Vec::new();
            $( docs.extend(<<$module as Module>::Query as ModuleQueries>::docs()); )*
            docs
        }

        /// Answers the read `method` names from `state` at block time `now`; `None`
        /// when no module serves that method.
        pub fn answer_query(
            method: &str,
            params: &Params,
            state: &impl StateRead,
            now: UnixSeconds,
        ) -> Option<Result<serde_json::Value, QueryError>> {
            $(
                if let Some(request) = <<$module as Module>::Query as ModuleQueries>::parse(method, params) {
                    return Some(request.and_then(|request| request.answer(state, now)));
                }
            )*
            None
        }
    };
}

registry! {
    /// Accounts, balances, supply, module accounts and perishable denoms.
    bank: greenhour_bank::Bank => Bank(greenhour_bank::BankAction),
    /// Registered devices, their nameplates and telemetry.
    #[serde(default)]
    devices: greenhour_devices::Devices => Devices(greenhour_devices::DevicesAction),
    /// NFT classes and tokens (positions, carbon receipts).
    #[serde(default)]
    nft: greenhour_nft::Nft => Nft(greenhour_nft::NftAction),
    /// Price and carbon-intensity feeds with their reporters.
    #[serde(default)]
    oracle: greenhour_oracle::Oracle => Oracle(greenhour_oracle::OracleAction),
    /// Virtual asset pools, membership, pledges, hour-slot tokens.
    #[serde(default)]
    pools: greenhour_pools::Pools => Pools(greenhour_pools::PoolsAction),
    /// The time-aware AMM for slot tokens.
    #[serde(default)]
    market: greenhour_market::Market => Market(greenhour_market::MarketAction),
    /// The Green Compute Index (fills only; no actions).
    #[serde(default)]
    index: greenhour_index::Index,
    /// Demand contracts, matching, verification, settlement and SCI.
    #[serde(default)]
    jobs: greenhour_jobs::Jobs => Jobs(greenhour_jobs::JobsAction),
    /// Hourly energy certificates, carbon credits and the carbon coin.
    #[serde(default)]
    carbon: greenhour_carbon::Carbon => Carbon(greenhour_carbon::CarbonAction),
    /// PoGCS staking: validators, delegations, device links, epochs.
    #[serde(default)]
    staking: greenhour_staking::Staking => Staking(greenhour_staking::StakingAction),
    /// Isolated lending markets against tokens and position NFTs (Morpho Blue).
    #[serde(default)]
    lending: greenhour_lending::Lending => Lending(greenhour_lending::LendingAction),
    /// gUSD: vaults, redemptions and the stability pool (Liquity v2).
    #[serde(default)]
    stable: greenhour_stable::Stable => Stable(greenhour_stable::StableAction),
    /// Proposals, votes by bonded GHR, parameter changes, the community pool,
    /// upgrades and pauses (Cosmos x/gov).
    #[serde(default)]
    governance: greenhour_governance::Governance<AppRouter> => Governance(greenhour_governance::Routed<AppRouter>),
    /// Asset packages of position NFTs issued as tranched, compliance-gated
    /// securities (Centrifuge's pool system, ERC-3643).
    #[serde(default)]
    rwa: greenhour_rwa::Rwa => Rwa(greenhour_rwa::RwaAction),
    /// Vaults (ERC-4626) that buy RWA tranches with depositors' gUSD.
    #[serde(default)]
    funds: greenhour_funds::Funds => Funds(greenhour_funds::FundsAction),
    /// Parametric device-downtime cover sold by a staked capacity pool (Nexus Mutual).
    #[serde(default)]
    cover: greenhour_cover::CoverModule => Cover(greenhour_cover::CoverAction),
    /// Futures, a perpetual and options on the Green Compute Index, margined in gUSD.
    #[serde(default)]
    derivatives: greenhour_derivatives::Derivatives => Derivatives(greenhour_derivatives::DerivativesAction),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_module_is_named_alike_in_the_genesis_and_the_chain() {
        for (field, name) in MODULES {
            assert_eq!(field, name, "genesis field and Module::NAME");
        }
        let mut names: Vec<&str> = MODULES.iter().map(|(_, n)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MODULES.len(), "module names are unique");
    }

    #[test]
    fn action_tags_are_the_module_names() {
        let send = AppAction::Bank(greenhour_bank::BankAction::Send {
            to: greenhour_primitives::Address::for_module("test"),
            coins: vec![],
        });
        let json = serde_json::to_value(&send).unwrap();
        assert!(json.get(greenhour_bank::Bank::NAME).is_some(), "{json}");
    }
}
