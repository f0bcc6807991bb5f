//! The devnet faucet: the `faucet` JSON-RPC method sends an account test coins
//! and, when the faucet holds certificates, a slice of one, in a transaction the
//! node signs with the faucet's own funded account (what a Cosmos devnet's
//! faucet service does, served by the node so the dashboard's wallet needs
//! nothing else).
//!
//! Invariants:
//! - **Devnet only.** A node has a faucet only when its `config.json` names one
//!   (`greenhour devnet` does; `greenhour init` never does).
//! - **One drip per empty account.** An account that already holds the drip's
//!   GHR is refused, so one caller cannot drain the faucet by repeating itself.
//! - **An ordinary transaction.** The drip is signed, admitted and committed
//!   like any other (fee, nonce, events), so every explorer and audit sees it;
//!   drips are serialised so their nonces never collide.

use crate::node::Node;
use greenhour_app::rpc::{BroadcastMode, BroadcastResult};
use greenhour_app::{AppAction, TxBody};
use greenhour_bank::BankAction;
use greenhour_carbon::CarbonAction;
use greenhour_crypto::SecretKey;
use greenhour_framework::{CodedError, ErrorInfo};
use greenhour_primitives::{Address, Coin, Denom};
use serde::{Deserialize, Serialize};

/// The faucet part of `config.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaucetConfig {
    /// Keyring name of the funded account that pays the drips.
    pub key: String,
    /// What one drip sends.
    pub coins: Vec<Coin>,
    /// Wh of a certificate bundle one drip moves, when the faucet owns an
    /// active bundle that large (0: coins only).
    #[serde(default)]
    pub certificate_wh: u64,
}

impl FaucetConfig {
    /// The devnet's faucet: 1,000 GHR, 1,000 gUSD and 1 kWh of certificates a drip.
    pub fn devnet() -> FaucetConfig {
        FaucetConfig {
            key: "faucet".into(),
            coins: vec![Coin::ghr(1_000_000_000), Coin::new(Denom::gusd(), 1_000_000_000)],
            certificate_wh: 1_000,
        }
    }
}

/// Why a drip was refused. Module `faucet` in `(module, code)` errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaucetError {
    /// Code 1: this node has no faucet (only a devnet's has).
    #[error("this node has no faucet (a devnet's node has one)")]
    Disabled,
    /// Code 2: the account already holds at least one drip's GHR.
    #[error("{0} already holds {1} ughr, at least one drip's worth; the faucet serves empty accounts")]
    AlreadyFunded(Address, u128),
    /// Code 3: the state could not be read.
    #[error("faucet state read failed: {0}")]
    State(String),
}

impl CodedError for FaucetError {
    fn module(&self) -> &'static str {
        "faucet"
    }
    fn code(&self) -> u32 {
        match self {
            FaucetError::Disabled => 1,
            FaucetError::AlreadyFunded(..) => 2,
            FaucetError::State(_) => 3,
        }
    }
}

/// A configured faucet with its key.
pub struct Faucet {
    config: FaucetConfig,
    key: SecretKey,
    /// Serialises drips: each reads the nonce the previous one used.
    turn: tokio::sync::Mutex<()>,
}

/// What a drip sent, and the committed transaction that sent it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Drip {
    pub to: Address,
    pub coins: Vec<Coin>,
    /// `(bundle, Wh)` of the certificate slice moved, if any.
    pub certificate: Option<(u64, u64)>,
    pub result: BroadcastResult,
}

impl Faucet {
    pub fn new(config: FaucetConfig, key: SecretKey) -> Faucet {
        Faucet { config, key, turn: tokio::sync::Mutex::new(()) }
    }

    /// The faucet's account.
    pub fn address(&self) -> Address {
        self.key.address()
    }

    /// Sends one drip to `to` and waits for its block.
    pub async fn drip(&self, node: &Node, to: Address) -> Result<Drip, ErrorInfo> {
        let coded = |e: FaucetError| ErrorInfo::from_coded(&e);
        let _turn = self.turn.lock().await;
        let snapshot = node.app.head_snapshot().map_err(|e| coded(FaucetError::State(e.to_string())))?;
        let drip_ghr =
            self.config.coins.iter().filter(|c| c.denom == Denom::ghr()).map(|c| c.amount).sum::<u128>().max(1);
        let held = greenhour_bank::api::balance(&snapshot, &to, &Denom::ghr())
            .map_err(|e| coded(FaucetError::State(e.to_string())))?;
        if held >= drip_ghr {
            return Err(coded(FaucetError::AlreadyFunded(to, held)));
        }
        let mut actions = vec![AppAction::Bank(BankAction::Send { to, coins: self.config.coins.clone() })];
        let certificate = self.certificate_slice(&snapshot)?;
        if let Some((bundle, wh, whole)) = certificate {
            actions.push(AppAction::Carbon(CarbonAction::Transfer { bundle, to, wh: (!whole).then_some(wh) }));
        }
        let certificate = certificate.map(|(bundle, wh, _)| (bundle, wh));
        let signer = self.key.address();
        let committed =
            greenhour_app::auth::nonce(&snapshot, &signer).map_err(|e| coded(FaucetError::State(e.to_string())))?;
        let body = TxBody {
            chain_id: node.app.chain_id().clone(),
            signer: self.key.public_key(),
            nonce: node.mempool.next_free_nonce(&signer, committed),
            fee: node.app.params().min_fee,
            actions,
            memo: "devnet faucet".into(),
        };
        let result = node.broadcast(body.sign(&self.key).encode(), BroadcastMode::Commit).await?;
        if let Some(e) = result.committed.as_ref().and_then(|r| r.error.clone()) {
            return Err(e);
        }
        Ok(Drip { to, coins: self.config.coins.clone(), certificate, result })
    }

    /// The faucet's oldest active bundle holding at least a slice: `(bundle, Wh,
    /// whether the slice is the whole bundle)`.
    fn certificate_slice(
        &self,
        state: &impl greenhour_framework::StateRead,
    ) -> Result<Option<(u64, u64, bool)>, ErrorInfo> {
        let wh = self.config.certificate_wh;
        if wh == 0 {
            return Ok(None);
        }
        let filter = greenhour_carbon::query::CertificateFilter {
            owner: Some(self.key.address()),
            status: Some("active".into()),
            ..Default::default()
        };
        let bundles =
            greenhour_carbon::query::certificates(state, &filter, 64, greenhour_carbon::query::CERTIFICATE_SCAN)
                .map_err(|e| ErrorInfo::from_coded(&FaucetError::State(e.to_string())))?
                .map(|page| page.items)
                .unwrap_or_default();
        Ok(bundles.iter().find(|b| b.wh() >= wh).map(|b| (b.first, wh, b.wh() == wh)))
    }
}
