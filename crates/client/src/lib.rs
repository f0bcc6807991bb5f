//! Typed client for a Greenhour node: JSON-RPC calls, a transaction builder
//! and signer, and a WebSocket block subscription. Used by the CLI, tests and
//! (later) the device agent.
//!
//! Invariants kept here:
//! - Transactions are signed locally; secret keys never leave the process.
//! - Every node error arrives as [`ClientError::Rejected`] with its stable
//!   `(module, code)` when the node gave one.

use futures_util::StreamExt;
use greenhour_app::rpc::{
    AccountInfo, BlockInfo, BlockNotice, BroadcastMode, BroadcastResult, Status, SupplyInfo, TxInfo,
};
use greenhour_app::{AppAction, Tx, TxBody};
use greenhour_bank::BankAction;
use greenhour_crypto::SecretKey;
use greenhour_devices::query::DevicesQuery;
use greenhour_framework::queries::ModuleQueries;
use greenhour_framework::ErrorInfo;
use greenhour_jobs::query::JobsQuery;
use greenhour_market::query::{MarketQuery, Side};
use greenhour_nft::query::NftQuery;
use greenhour_oracle::query::OracleQuery;
use greenhour_pools::query::PoolsQuery;
use greenhour_primitives::{Address, Amount, ChainId, Coin, Hash, Height, Nonce};
use greenhour_state::StateProof;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::time::Duration;

/// What can go wrong talking to a node.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Returned when the node cannot be reached or the HTTP exchange fails.
    #[error("cannot reach the node at {url}: {message}")]
    Unreachable { url: String, message: String },
    /// Returned when the node answers with a JSON-RPC error.
    #[error("node error {code}: {message}")]
    Rpc { code: i64, message: String },
    /// Returned when the node refuses a transaction or it was dropped; `(module, code)` is stable.
    /// Such a transaction changed nothing and did not use its nonce.
    #[error("rejected: {0}")]
    Rejected(ErrorInfo),
    /// Returned in commit mode when a transaction's actions failed in block
    /// `height`: they were rolled back, but its nonce is used and its fee charged.
    #[error("failed in block {height} at index {index} (nonce used, fee charged): {error}")]
    Failed { error: ErrorInfo, height: Height, index: u32 },
    /// Returned when the node's answer does not have the expected shape.
    #[error("unexpected answer from the node: {0}")]
    Decode(String),
    /// Returned when a header, certificate, validator set or proof the node
    /// served does not verify against what the light client trusts.
    #[error("does not verify: {0}")]
    Unverified(String),
}

impl ClientError {
    /// The stable `(module, code)` of a rejection or of a failure in a block.
    pub fn rejection(&self) -> Option<&ErrorInfo> {
        match self {
            ClientError::Rejected(e) | ClientError::Failed { error: e, .. } => Some(e),
            _ => None,
        }
    }
}

/// A connection to one node's RPC endpoint.
#[derive(Clone)]
pub struct RpcClient {
    url: String,
    http: reqwest::Client,
}

impl RpcClient {
    /// `url` like `http://127.0.0.1:26657`.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into().trim_end_matches('/').to_string();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("a client without TLS always builds");
        RpcClient { url, http }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// One JSON-RPC call.
    pub async fn call<T: DeserializeOwned>(&self, method: &str, params: Value) -> Result<T, ClientError> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let response = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(|e| ClientError::Unreachable { url: self.url.clone(), message: e.to_string() })?;
        let value: Value = response.json().await.map_err(|e| ClientError::Decode(e.to_string()))?;
        if let Some(err) = value.get("error") {
            if let Some(data) = err.get("data") {
                if let Ok(info) = serde_json::from_value::<ErrorInfo>(data.clone()) {
                    let at = |k: &str| data.get(k).and_then(Value::as_u64);
                    return Err(match (at("height"), at("index")) {
                        (Some(height), Some(index)) => {
                            ClientError::Failed { error: info, height, index: index.min(u64::from(u32::MAX)) as u32 }
                        }
                        _ => ClientError::Rejected(info),
                    });
                }
            }
            return Err(ClientError::Rpc {
                code: err.get("code").and_then(Value::as_i64).unwrap_or(0),
                message: err.get("message").and_then(Value::as_str).unwrap_or("").to_string(),
            });
        }
        let result = value.get("result").cloned().ok_or_else(|| ClientError::Decode("no result".into()))?;
        serde_json::from_value(result).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// A module's read by its typed request (e.g. `PoolsQuery::Pool { id: 3 }`),
    /// decoded as `T`: the method and its parameters come from the request, so a
    /// client never spells them.
    pub async fn query<Q: ModuleQueries, T: DeserializeOwned>(&self, request: &Q) -> Result<T, ClientError> {
        self.call(request.method(), Value::Object(request.params())).await
    }

    pub async fn status(&self) -> Result<Status, ClientError> {
        self.call("status", json!({})).await
    }
    /// A block by height, or the latest.
    pub async fn block(&self, height: Option<Height>) -> Result<BlockInfo, ClientError> {
        self.call("block", json!({ "height": height })).await
    }
    /// A block's commit certificate.
    pub async fn commit(&self, height: Height) -> Result<greenhour_light::CommitCertificate, ClientError> {
        self.call("commit", json!({ "height": height })).await
    }
    pub async fn tx(&self, hash: &Hash) -> Result<TxInfo, ClientError> {
        self.call("tx", json!({ "hash": hash.to_hex() })).await
    }
    pub async fn account(&self, address: &Address) -> Result<AccountInfo, ClientError> {
        self.call("account", json!({ "address": address.to_string() })).await
    }
    /// The transactions `address` signed, newest first (failed ones with their
    /// error): nonces below `before`, at most `limit` (≤ 100) of them.
    pub async fn account_txs(
        &self,
        address: &Address,
        before: Option<u64>,
        limit: Option<u64>,
    ) -> Result<Vec<TxInfo>, ClientError> {
        self.call("account_txs", json!({ "address": address.to_string(), "before": before, "limit": limit })).await
    }
    pub async fn supply(&self) -> Result<SupplyInfo, ClientError> {
        self.call("supply", json!({})).await
    }
    /// A state value with its proof, checked against the root the same answer
    /// names. That only shows the answer is self-consistent: a node can name any
    /// root. [`RpcClient::proven_state`] checks it against a header the light
    /// client accepted.
    pub async fn state(&self, key: &str, height: Option<Height>) -> Result<StateProof, ClientError> {
        let proof: StateProof = self.call("state", json!({ "key": key, "height": height })).await?;
        proof.verify(&proof.root).map_err(|e| ClientError::Decode(format!("proof does not verify: {e}")))?;
        Ok(proof)
    }

    /// The validator set the state held under `staking/set/next` after block
    /// `height`, as the node serves it. Unverified here: the light client checks
    /// its hash against the header that announces it.
    pub async fn announced_set(&self, height: Height) -> Result<greenhour_light::ValidatorSet, ClientError> {
        let proof = self.state("staking/set/next", Some(height)).await?;
        match proof.value {
            None => Ok(greenhour_light::ValidatorSet::default()),
            Some(bytes) => greenhour_codec::decode(&bytes)
                .map_err(|e| ClientError::Decode(format!("validator set at height {height}: {e}"))),
        }
    }

    /// A light client that trusts header `height`, which must hash to `hash`
    /// (a checkpoint the caller got out of band, e.g. `--trust-hash`), with the
    /// set that header announces. Without a hash it trusts the header the node
    /// serves: use that only for the genesis header of a chain you know.
    pub async fn light_client_at(
        &self,
        chain_id: &ChainId,
        height: Height,
        hash: Option<Hash>,
    ) -> Result<greenhour_light::LightClient, ClientError> {
        let header = self.block(Some(height)).await?.block.header;
        if let Some(hash) = hash {
            if header.hash() != hash {
                return Err(ClientError::Unverified(format!(
                    "header {height} hashes to {}, not the trusted {hash}",
                    header.hash()
                )));
            }
        }
        let set = self.announced_set(height).await?;
        greenhour_light::LightClient::new(chain_id.clone(), &header, set)
            .map_err(|e| ClientError::Unverified(e.to_string()))
    }

    /// Walks `light` header by header up to `target`: each header must extend
    /// the trusted one and carry a commit certificate with more than two thirds
    /// of the power of the set the trusted header announced, and sets change only
    /// to the one announced. A chain without validators (empty set) is followed
    /// by hash links alone. Returns how many certificates were checked.
    pub async fn follow_headers(
        &self,
        light: &mut greenhour_light::LightClient,
        target: Height,
    ) -> Result<u64, ClientError> {
        let chain_id = light.chain_id().clone();
        let mut certificates = 0;
        while light.trusted().height < target {
            let height = light.trusted().height + 1;
            let header = self.block(Some(height)).await?.block.header;
            let announces_new_set = header.next_validators_hash != light.trusted().next_set.hash();
            if light.trusted().next_set.members.is_empty() {
                // No validators to check: the hash link is all there is.
                if header.prev_hash != light.trusted().hash || header.validators_hash != light.trusted().next_set.hash()
                {
                    return Err(ClientError::Unverified(format!("header {height} does not extend its parent")));
                }
                let set = if announces_new_set {
                    self.announced_set(height).await?
                } else {
                    light.trusted().next_set.clone()
                };
                *light = greenhour_light::LightClient::new(chain_id.clone(), &header, set)
                    .map_err(|e| ClientError::Unverified(format!("header {height}: {e}")))?;
            } else {
                let certificate = self.commit(height).await?;
                let new_set = if header.next_validators_hash != header.validators_hash {
                    Some(self.announced_set(height).await?)
                } else {
                    None
                };
                light
                    .verify_next(&header, &certificate, new_set.as_ref())
                    .map_err(|e| ClientError::Unverified(format!("header {height}: {e}")))?;
                certificates += 1;
            }
        }
        Ok(certificates)
    }

    /// A state value proven against the app hash of the header `light` trusts
    /// (the state after that block).
    pub async fn proven_state(
        &self,
        light: &greenhour_light::LightClient,
        key: &str,
    ) -> Result<StateProof, ClientError> {
        let trusted = light.trusted();
        let proof: StateProof = self.call("state", json!({ "key": key, "height": trusted.height })).await?;
        if proof.version != trusted.height {
            return Err(ClientError::Unverified(format!(
                "a proof at version {} for header {}",
                proof.version, trusted.height
            )));
        }
        proof.verify(&trusted.app_hash).map_err(|e| {
            ClientError::Unverified(format!("the proof of {key} against header {}'s app hash: {e}", trusted.height))
        })?;
        Ok(proof)
    }
    pub async fn broadcast(&self, tx: &Tx, mode: BroadcastMode) -> Result<BroadcastResult, ClientError> {
        self.call("broadcast_tx", json!({ "tx": hex::encode(tx.encode()), "mode": mode })).await
    }

    pub async fn device(&self, id: u64) -> Result<greenhour_devices::Device, ClientError> {
        self.query(&DevicesQuery::Device { id }).await
    }
    /// Every device (of `owner`, or all), fetched a page at a time.
    pub async fn devices(&self, owner: Option<&Address>) -> Result<Vec<greenhour_devices::Device>, ClientError> {
        let mut all: Vec<greenhour_devices::Device> = Vec::new();
        loop {
            let after = all.last().map(|d| d.id.0);
            let page: Vec<greenhour_devices::Device> =
                self.query(&DevicesQuery::Devices { owner: owner.copied(), after }).await?;
            let full = page.len() >= greenhour_framework::queries::MAX_LIST;
            all.extend(page);
            if !full {
                return Ok(all);
            }
        }
    }
    pub async fn device_reports(
        &self,
        id: u64,
        from: u64,
    ) -> Result<Vec<greenhour_devices::StoredReport>, ClientError> {
        self.query(&DevicesQuery::Reports { id, from: Some(from) }).await
    }

    pub async fn nft(&self, class: &str, serial: u64) -> Result<greenhour_nft::Token, ClientError> {
        self.query(&NftQuery::Token { class: class.to_string(), serial }).await
    }
    /// Every token `owner` holds, page by page.
    pub async fn nfts(&self, owner: &Address) -> Result<Vec<greenhour_nft::Token>, ClientError> {
        let mut all: Vec<greenhour_nft::Token> = Vec::new();
        loop {
            let after = all.last().map(|t| format!("{}/{}", t.id.class, t.id.serial));
            let page: Vec<greenhour_nft::Token> = self.query(&NftQuery::TokensOf { owner: *owner, after }).await?;
            let full = page.len() >= greenhour_framework::queries::MAX_LIST;
            all.extend(page);
            if !full {
                return Ok(all);
            }
        }
    }

    pub async fn pools(&self) -> Result<Vec<greenhour_pools::Pool>, ClientError> {
        self.query(&PoolsQuery::Pools {}).await
    }
    /// A pool and its members, as the node renders them.
    pub async fn pool(&self, id: u64) -> Result<Value, ClientError> {
        self.query(&PoolsQuery::Pool { id }).await
    }
    pub async fn position(&self, serial: u64) -> Result<greenhour_pools::PositionView, ClientError> {
        self.query(&PoolsQuery::Position { serial }).await
    }
    /// Positions by `{"owner": …}`, `{"device": …}` or `{"hour": …}`.
    pub async fn positions(&self, filter: Value) -> Result<Vec<greenhour_pools::PositionView>, ClientError> {
        self.call("positions", filter).await
    }
    /// Slot tokens of one class and hour: supply, unsold in custody, sold.
    pub async fn slot(&self, unit: &str, class: &str, hour: u64) -> Result<Value, ClientError> {
        self.call("slot", json!({ "unit": unit, "class": class, "hour": hour })).await
    }

    /// Every market pool as of the latest block time, fetched a page at a time.
    pub async fn market_pools(&self) -> Result<Vec<greenhour_market::state::MarketPoolView>, ClientError> {
        let mut all: Vec<greenhour_market::state::MarketPoolView> = Vec::new();
        loop {
            let after = all.last().map(|p| p.pool.slot.clone());
            let page: Vec<greenhour_market::state::MarketPoolView> =
                self.query(&MarketQuery::Pools { after: after.clone() }).await?;
            if page.is_empty() || page.last().map(|p| &p.pool.slot) == after.as_ref() {
                return Ok(all);
            }
            all.extend(page);
        }
    }
    /// One market pool: reserves, phase, spot price, TWAP, time to close.
    pub async fn market_pool(&self, slot: &str) -> Result<greenhour_market::state::MarketPoolView, ClientError> {
        self.call("market_pool", json!({ "slot": slot })).await
    }
    /// `{total, quote, legs: [{slot, in, out}]}`: buying `per_hour` slots in each of `hours` hours now.
    pub async fn market_route(
        &self,
        first_slot: &str,
        hours: u32,
        per_hour: u128,
        quote: Option<&str>,
    ) -> Result<Value, ClientError> {
        let mut params = json!({ "first_slot": first_slot, "hours": hours, "slots_per_hour": per_hour.to_string() });
        if let Some(q) = quote {
            params["quote"] = json!(q);
        }
        self.call("market_route", params).await
    }
    /// The Green Compute Index of a class (every series with fills when `None`).
    pub async fn index(
        &self,
        class: Option<&str>,
        quote: Option<&str>,
    ) -> Result<Vec<greenhour_index::IndexValue>, ClientError> {
        self.call("index", json!({ "class": class, "quote": quote })).await
    }
    /// `{in, out, price_wad, …}` for a swap as of the latest block time.
    pub async fn market_quote(
        &self,
        slot: &str,
        buy_slots: bool,
        exact: greenhour_market::Exact,
    ) -> Result<Value, ClientError> {
        let slot = slot.parse().map_err(|e| ClientError::Decode(format!("slot {slot:?}: {e}")))?;
        let side = Some(if buy_slots { Side::Buy } else { Side::Sell });
        let (exact_in, exact_out) = match exact {
            greenhour_market::Exact::In(a) => (Some(a), None),
            greenhour_market::Exact::Out(a) => (None, Some(a)),
        };
        self.query(&MarketQuery::Quote { slot, side, exact_in, exact_out }).await
    }

    /// A job with its revealed outputs (hex) and SCI report, as the node renders it.
    pub async fn job(&self, id: u64) -> Result<Value, ClientError> {
        self.query(&JobsQuery::Job { id }).await
    }
    /// A job record alone (typed).
    pub async fn job_record(&self, id: u64) -> Result<greenhour_jobs::Job, ClientError> {
        self.query(&JobsQuery::Job { id }).await
    }
    /// Jobs posted by `buyer`, or unfinished jobs served by `operator`'s devices,
    /// or the latest; newest first.
    pub async fn jobs(
        &self,
        buyer: Option<&Address>,
        operator: Option<&Address>,
    ) -> Result<Vec<greenhour_jobs::Job>, ClientError> {
        self.query(&JobsQuery::Jobs { buyer: buyer.copied(), operator: operator.copied() }).await
    }
    /// Free GPU capacity of a class in one hour: `[{device, owner, active, free, green_bps}]`,
    /// every device, page by page.
    pub async fn capacity(&self, class: &str, hour: u64) -> Result<Vec<Value>, ClientError> {
        let mut all: Vec<Value> = Vec::new();
        loop {
            let after = all.last().and_then(|row| row["device"].as_u64());
            let page: Vec<Value> =
                self.call("capacity", json!({ "class": class, "hour": hour, "after": after })).await?;
            let full = page.len() >= greenhour_framework::queries::MAX_LIST;
            all.extend(page);
            if !full {
                return Ok(all);
            }
        }
    }
    /// The bytes of an uploaded workload module.
    pub async fn workload(&self, hash: &greenhour_primitives::Hash) -> Result<Vec<u8>, ClientError> {
        let v: Value = self.query(&JobsQuery::Workload { hash: *hash }).await?;
        let text = v.get("wasm").and_then(Value::as_str).unwrap_or_default();
        hex::decode(text).map_err(|e| ClientError::Decode(format!("workload hex: {e}")))
    }

    /// A feed, its latest value and its open reports, as the node renders them.
    pub async fn oracle(&self, feed: &str) -> Result<Value, ClientError> {
        self.query(&OracleQuery::Feed { feed: feed.to_string() }).await
    }

    /// Streams committed blocks (optionally only events of the given kinds).
    pub async fn subscribe(
        &self,
        events: &[&str],
    ) -> Result<futures_util::stream::BoxStream<'static, Result<BlockNotice, ClientError>>, ClientError> {
        let mut ws_url = format!("{}/ws", self.url.replacen("http", "ws", 1));
        if !events.is_empty() {
            ws_url.push_str(&format!("?events={}", events.join(",")));
        }
        let (stream, _) = tokio_tungstenite::connect_async(&ws_url)
            .await
            .map_err(|e| ClientError::Unreachable { url: ws_url.clone(), message: e.to_string() })?;
        Ok(stream
            .filter_map(|msg| async move {
                match msg {
                    Ok(tokio_tungstenite::tungstenite::Message::Text(t)) => {
                        Some(serde_json::from_str::<BlockNotice>(&t).map_err(|e| ClientError::Decode(e.to_string())))
                    }
                    Ok(_) => None,
                    Err(e) => Some(Err(ClientError::Decode(e.to_string()))),
                }
            })
            .boxed())
    }
}

/// What became of a transaction sent with [`Wallet::commit`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Committed {
    /// Included in a block, with its events.
    Included(greenhour_app::TxRecord),
    /// Refused by the chain with its stable `(module, code)`: left out of the block
    /// (nothing changed), or included with its actions rolled back and its fee
    /// charged (its nonce used).
    Refused(ErrorInfo),
}

/// A key bound to a chain, which builds and signs transactions and keeps its
/// next nonce locally so several can be sent before the first is committed.
pub struct Wallet {
    key: SecretKey,
    chain_id: ChainId,
    next_nonce: Option<Nonce>,
    /// Fee paid per transaction, in ughr.
    pub fee: Amount,
}

impl Wallet {
    pub fn new(key: SecretKey, chain_id: ChainId, fee: Amount) -> Self {
        Wallet { key, chain_id, next_nonce: None, fee }
    }
    pub fn address(&self) -> Address {
        self.key.address()
    }
    /// Forgets the local nonce, so the next signature asks the node (after a
    /// refused transaction or a node restart).
    pub fn forget_nonce(&mut self) {
        self.next_nonce = None;
    }
    /// Sets the next nonce explicitly (e.g. from a fresh account query).
    pub fn set_nonce(&mut self, nonce: Nonce) {
        self.next_nonce = Some(nonce);
    }

    /// Signs `actions` with the next nonce (fetched from the node on first use).
    pub async fn sign(&mut self, client: &RpcClient, actions: Vec<AppAction>, memo: &str) -> Result<Tx, ClientError> {
        let nonce = match self.next_nonce {
            Some(n) => n,
            None => client.account(&self.address()).await?.pending_nonce,
        };
        let tx = self.sign_offline(nonce, actions, memo);
        self.next_nonce = Some(nonce + 1);
        Ok(tx)
    }

    /// Signs with a given nonce, without talking to a node.
    pub fn sign_offline(&self, nonce: Nonce, actions: Vec<AppAction>, memo: &str) -> Tx {
        TxBody {
            chain_id: self.chain_id.clone(),
            signer: self.key.public_key(),
            nonce,
            fee: self.fee,
            actions,
            memo: memo.to_string(),
        }
        .sign(&self.key)
    }

    /// Signs `actions`, broadcasts them and waits for the commit. A refusal is an
    /// answer, not an error; after one (or any failure) the local nonce is
    /// forgotten so the next signature asks the node, since a transaction left
    /// out of its block does not use its nonce but one that failed in it does.
    pub async fn commit(&mut self, client: &RpcClient, actions: Vec<AppAction>) -> Result<Committed, ClientError> {
        let tx = self.sign(client, actions, "").await?;
        let result = client.broadcast(&tx, BroadcastMode::Commit).await;
        let outcome = match result {
            Ok(BroadcastResult { committed: Some(record), .. }) => return Ok(Committed::Included(record)),
            Ok(_) => Err(ClientError::Decode("commit mode returned no record".into())),
            Err(ClientError::Rejected(info)) => Ok(Committed::Refused(info)),
            Err(ClientError::Failed { error, .. }) => Ok(Committed::Refused(error)),
            Err(e) => Err(e),
        };
        self.next_nonce = None;
        outcome
    }

    /// Sends coins and waits per `mode`. On failure the local nonce is re-fetched next time.
    pub async fn send(
        &mut self,
        client: &RpcClient,
        to: Address,
        coins: Vec<Coin>,
        mode: BroadcastMode,
    ) -> Result<BroadcastResult, ClientError> {
        let tx = self.sign(client, vec![AppAction::Bank(BankAction::Send { to, coins })], "").await?;
        let result = client.broadcast(&tx, mode).await;
        if result.is_err() {
            self.next_nonce = None;
        }
        result
    }
}
