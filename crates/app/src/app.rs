use crate::block::{last_commit_hash, tx_root, Block, Header, TxRecord};
use crate::error::{AppError, TxError};
use crate::genesis::Genesis;
use crate::params::{AppParams, FEE_COLLECTOR};
use crate::tx::Tx;
use crate::{auth, modules};
use greenhour_framework::{BlockCtx, ErrorInfo, TxCtx};
use greenhour_primitives::{Address, ChainId, Coin, Hash, Height, Nonce, UnixSeconds};
use greenhour_state::{
    AuxWrite, BlockOverlay, Event, HeadSnapshot, Key, Snapshot, StateRead, StateWrite, Store, TxOverlay, WriteTicket,
};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

const BLOCKS: &str = "blocks";
const TX_INDEX: &str = "tx_index";
/// Signer address ++ nonce (big-endian) → tx hash: an account's history, read
/// newest first by counting its nonce down (no range scan needed).
const TXS_BY_SIGNER: &str = "txs_by_signer";
const BLOCK_EVENTS: &str = "block_events";
const COMMITS: &str = "commits";

fn signer_nonce_key(signer: &Address, nonce: Nonce) -> Vec<u8> {
    [signer.0.as_slice(), &nonce.to_be_bytes()].concat()
}

fn chain_key() -> Key<ChainInfo> {
    Key::new("app/chain")
}
fn params_key() -> Key<AppParams> {
    Key::new("app/params")
}
/// Height and time of the last block, rewritten every block so each block changes state.
fn last_block_key() -> Key<(Height, UnixSeconds)> {
    Key::new("app/last_block")
}

#[derive(Clone, Debug, borsh::BorshSerialize, borsh::BorshDeserialize)]
struct ChainInfo {
    chain_id: ChainId,
    genesis_time: UnixSeconds,
}

/// The result of one transaction offered to a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxOutcome {
    pub hash: Hash,
    /// `Ok`: in the block, and every action ran. `Err`: it failed; either it was
    /// left out and changed nothing (it failed admission: signature, chain,
    /// nonce, fee, size) or, when [`TxOutcome::charged`] is set, it is in the block
    /// with its actions rolled back.
    pub result: Result<TxRecord, ErrorInfo>,
    /// A transaction whose actions failed: its record in the block, which used
    /// its nonce and charged its fee (`error` set).
    pub charged: Option<TxRecord>,
}

impl TxOutcome {
    /// The outcome of a transaction the block holds: succeeded when its record
    /// carries no error, else failed and charged.
    fn in_block(record: TxRecord) -> TxOutcome {
        let hash = record.hash;
        match record.error.clone() {
            None => TxOutcome { hash, result: Ok(record), charged: None },
            Some(e) => TxOutcome { hash, result: Err(e), charged: Some(record) },
        }
    }

    /// Its record if it is in the block, whether its actions ran or failed.
    pub fn included(&self) -> Option<&TxRecord> {
        self.result.as_ref().ok().or(self.charged.as_ref())
    }
}

/// A committed block and what happened in it.
#[derive(Clone, Debug)]
pub struct BlockOutcome {
    pub block: Block,
    /// Every transaction offered, in order: included ones with their record
    /// (failed ones with their error too), dropped ones with their error.
    pub outcomes: Vec<TxOutcome>,
    /// Events from begin/end block hooks.
    pub block_events: Vec<Event>,
    /// Where the block's time went (measurement only; never part of state).
    pub timings: BlockTimings,
}

/// Wall time of each phase of a block, in microseconds, for profiling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockTimings {
    /// Running transactions and hooks against the overlay (includes state reads).
    pub execute_us: u64,
    /// Computing the Jellyfish Merkle Tree update and root.
    pub tree_us: u64,
    /// Encoding and writing state, tree nodes and block rows in one redb commit (with fsync).
    pub write_us: u64,
}

/// A block that is executed and hashed, and whose write to the store is in
/// progress. Its transactions count as committed only after [`PendingBlock::wait`].
pub struct PendingBlock {
    outcome: BlockOutcome,
    ticket: WriteTicket,
    write_started: std::time::Instant,
}

impl PendingBlock {
    /// The block and its outcome, before they are durable.
    pub fn outcome(&self) -> &BlockOutcome {
        &self.outcome
    }
    /// Waits until the block is durably committed; fills in the write time.
    pub fn wait(self) -> Result<BlockOutcome, AppError> {
        self.ticket.wait()?;
        let mut outcome = self.outcome;
        outcome.timings.write_us = self.write_started.elapsed().as_micros() as u64;
        Ok(outcome)
    }
}

/// The application over one store.
pub struct App {
    store: Store,
    chain_id: ChainId,
    params: AppParams,
    fee_collector: Address,
    /// Header of the newest block built or applied (it may still be being written).
    head: Mutex<Header>,
    /// Consensus keys this node signs commit certificates with (the `solo`
    /// driver holds the validators' keys of a one-machine chain).
    commit_signers: Mutex<Vec<greenhour_crypto::SecretKey>>,
    /// The certificate of the newest block built or applied (the next block
    /// carries it as `last_commit`); read from the store on open.
    last_certificate: Mutex<Option<greenhour_light::CommitCertificate>>,
}

/// How a block's transactions are treated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Our own block: signatures were checked by the mempool; a transaction
    /// failing admission is left out, one whose actions fail is included and charged.
    Build,
    /// Someone else's block: check every signature; a transaction failing
    /// admission invalidates the block, one whose actions fail is included and charged.
    Verify,
}

struct Executed {
    execute_us: u64,
    changes: greenhour_state::Changes,
    included: Vec<(Tx, TxRecord)>,
    outcomes: Vec<TxOutcome>,
    block_events: Vec<Event>,
    /// `(validators_hash, next_validators_hash)` after the block.
    validator_hashes: (Hash, Hash),
    /// The set that signs this block.
    signing_set: greenhour_light::ValidatorSet,
}

/// The set signing the block and the header's `(validators_hash, next_validators_hash)`.
fn validator_sets(state: &impl StateRead) -> Result<(greenhour_light::ValidatorSet, (Hash, Hash)), AppError> {
    let current = greenhour_staking::state::current_set(state).map_err(|e| AppError::of_module(&e))?;
    let next = greenhour_staking::state::next_set(state).map_err(|e| AppError::of_module(&e))?.hash();
    let hashes = (current.hash(), next);
    Ok((current, hashes))
}

impl App {
    /// Opens an initialised store.
    pub fn open(store: Store) -> Result<App, AppError> {
        let snap = store.snapshot()?;
        let info = snap.get(&chain_key())?.ok_or(AppError::NotInitialised)?;
        let params = snap.get(&params_key())?.ok_or(AppError::NotInitialised)?;
        let height = store.latest_version()?.ok_or(AppError::NotInitialised)?;
        let head = store
            .aux_get(BLOCKS, &height.to_be_bytes())?
            .map(|b| greenhour_codec::decode::<Block>(&b))
            .transpose()
            .map_err(|e| {
                AppError::State(greenhour_state::StateError::Storage(format!("stored block undecodable: {e}")))
            })?
            .ok_or_else(|| AppError::InvalidBlock(format!("block {height} missing from store")))?
            .header;
        let last_certificate = store
            .aux_get(COMMITS, &height.to_be_bytes())?
            .map(|b| greenhour_codec::decode::<greenhour_light::CommitCertificate>(&b))
            .transpose()
            .map_err(|e| {
                AppError::State(greenhour_state::StateError::Storage(format!("stored certificate undecodable: {e}")))
            })?;
        Ok(App {
            store,
            chain_id: info.chain_id,
            params,
            fee_collector: Address::for_module(FEE_COLLECTOR),
            head: Mutex::new(head),
            commit_signers: Mutex::new(Vec::new()),
            last_certificate: Mutex::new(last_certificate),
        })
    }

    /// Writes genesis as version 0 (the genesis header at height 0), or checks
    /// that an existing store was made from this same genesis.
    pub fn init_chain(store: Store, genesis: &Genesis) -> Result<App, AppError> {
        if store.latest_version()?.is_some() {
            let app = App::open(store)?;
            if app.chain_id != genesis.chain_id {
                return Err(AppError::Genesis(format!(
                    "store holds chain {} but genesis is for {}",
                    app.chain_id, genesis.chain_id
                )));
            }
            return Ok(app);
        }
        if !genesis.bank.module_accounts.iter().any(|m| m.name == FEE_COLLECTOR) {
            return Err(AppError::Genesis(format!("module account {FEE_COLLECTOR} is required")));
        }
        let mut overlay = BlockOverlay::new(store.snapshot()?);
        overlay
            .put(&chain_key(), &ChainInfo { chain_id: genesis.chain_id.clone(), genesis_time: genesis.genesis_time });
        overlay.put(&params_key(), &genesis.params);
        overlay.put(&last_block_key(), &(0, genesis.genesis_time));
        modules::init_genesis(&mut overlay, genesis)?;
        modules::check_invariants(&overlay).map_err(|(m, e)| AppError::Genesis(format!("{m}: {e}")))?;
        let (_, (validators_hash, next_validators_hash)) = validator_sets(&overlay)?;
        let changes = overlay.into_changes();
        let prepared = store.prepare(0, &changes)?;
        let header = Header {
            chain_id: genesis.chain_id.clone(),
            height: 0,
            time: genesis.genesis_time,
            prev_hash: Hash::ZERO,
            tx_root: tx_root(&[]),
            app_hash: prepared.root,
            validators_hash,
            next_validators_hash,
            last_commit_hash: last_commit_hash(&None),
        };
        let block = Block { header, txs: Vec::new(), last_commit: None };
        store.write(prepared, &changes, &[block_row(&block)])?;
        App::open(store)
    }

    pub fn chain_id(&self) -> &ChainId {
        &self.chain_id
    }
    pub fn params(&self) -> &AppParams {
        &self.params
    }
    pub fn store(&self) -> &Store {
        &self.store
    }
    /// Durably committed state (what clients should read).
    pub fn snapshot(&self) -> Result<Snapshot, AppError> {
        Ok(self.store.snapshot()?)
    }

    /// The latest committed state as a genesis file (as `simd export` does in a
    /// Cosmos chain): this chain's identity and parameters and every module's
    /// export. On a chain with no blocks it gives back the genesis it started from.
    pub fn export_genesis(&self) -> Result<Genesis, AppError> {
        let snap = self.snapshot()?;
        let info = snap.get(&chain_key())?.ok_or(AppError::NotInitialised)?;
        modules::export_genesis(&snap, info.chain_id, info.genesis_time, self.params.clone())
    }

    /// State after the newest block built, even if still being written (what the
    /// mempool checks against and the next block executes on).
    pub fn head_snapshot(&self) -> Result<HeadSnapshot, AppError> {
        Ok(self.store.head_snapshot()?)
    }

    /// Time of the newest block built.
    pub fn head_time(&self) -> UnixSeconds {
        self.head().time
    }

    fn head(&self) -> Header {
        self.head.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Height of the last committed block (0 = only genesis).
    pub fn height(&self) -> Result<Height, AppError> {
        self.store.latest_version()?.ok_or(AppError::NotInitialised)
    }

    /// Reads and decodes a row the app stored beside the state.
    fn aux<T: borsh::BorshDeserialize>(&self, table: &'static str, key: &[u8]) -> Result<Option<T>, AppError> {
        self.store.aux_get(table, key)?.map(|bytes| greenhour_codec::decode(&bytes)).transpose().map_err(|e| {
            AppError::State(greenhour_state::StateError::Storage(format!("stored {table} row undecodable: {e}")))
        })
    }

    pub fn block(&self, height: Height) -> Result<Option<Block>, AppError> {
        self.aux(BLOCKS, &height.to_be_bytes())
    }

    /// Answers a module's read (see [`modules::answer_query`]) from the latest
    /// committed state at that block's time; `None` when no module serves `method`.
    pub fn query(
        &self,
        method: &str,
        params: &greenhour_framework::queries::Params,
    ) -> Option<Result<serde_json::Value, greenhour_framework::queries::QueryError>> {
        let internal = |e: AppError| greenhour_framework::queries::QueryError::Internal(e.to_string());
        // One snapshot and the time of the block it is the state after, so an
        // answer never mixes two heights.
        let at = self.snapshot().and_then(|snap| {
            let height = snap.version().unwrap_or(0);
            let block = self.block(height)?;
            let time = block.ok_or_else(|| AppError::InvalidBlock(format!("block {height} missing from store")))?;
            let time = time.header.time;
            Ok((snap, time))
        });
        match at {
            Ok((snap, now)) => modules::answer_query(method, params, &snap, now),
            Err(e) => modules::query_docs().iter().any(|d| d.method == method).then(|| Err(internal(e))),
        }
    }

    pub fn latest_header(&self) -> Result<Header, AppError> {
        let h = self.height()?;
        self.block(h)?.map(|b| b.header).ok_or_else(|| AppError::InvalidBlock(format!("block {h} missing from store")))
    }

    pub fn tx_record(&self, hash: &Hash) -> Result<Option<TxRecord>, AppError> {
        self.aux(TX_INDEX, &hash.0)
    }

    /// Signs the commit certificates of the blocks this node writes from now on
    /// with those of `keys` that are in each block's signing set.
    pub fn sign_commits_with(&self, keys: Vec<greenhour_crypto::SecretKey>) {
        *self.commit_signers.lock().unwrap_or_else(|p| p.into_inner()) = keys;
    }

    fn sign_commit(
        &self,
        header: &Header,
        set: &greenhour_light::ValidatorSet,
    ) -> Option<greenhour_light::CommitCertificate> {
        let signers = self.commit_signers.lock().unwrap_or_else(|p| p.into_inner());
        let keys: Vec<&greenhour_crypto::SecretKey> =
            signers.iter().filter(|k| set.power_of(&k.public_key()).is_some()).collect();
        if keys.is_empty() {
            return None;
        }
        Some(greenhour_light::CommitCertificate::sign(&self.chain_id, header.height, 0, header.hash(), &keys))
    }

    /// The commit certificate stored with a block, if this node signed one.
    pub fn commit_certificate(&self, height: Height) -> Result<Option<greenhour_light::CommitCertificate>, AppError> {
        self.aux(COMMITS, &height.to_be_bytes())
    }

    /// The hashes of the transactions `signer` sent with a nonce below `before`,
    /// newest first, at most `limit`. Every included transaction used its nonce
    /// (a failed one too), so the nonces below an account's next one are its
    /// whole history; the walk stops early only at a block written before this
    /// index existed.
    pub fn txs_by_signer(&self, signer: &Address, before: Nonce, limit: usize) -> Result<Vec<Hash>, AppError> {
        let mut hashes = Vec::with_capacity(limit.min(before as usize));
        for nonce in (0..before).rev().take(limit) {
            match self.aux(TXS_BY_SIGNER, &signer_nonce_key(signer, nonce))? {
                Some(hash) => hashes.push(hash),
                None => break,
            }
        }
        Ok(hashes)
    }

    pub fn block_events(&self, height: Height) -> Result<Vec<Event>, AppError> {
        Ok(self.aux(BLOCK_EVENTS, &height.to_be_bytes())?.unwrap_or_default())
    }

    /// Everything that needs no state: the envelope's stateless checks, then
    /// batch signature verification of those that pass. One result per tx.
    pub fn precheck(&self, txs: &[Tx]) -> Vec<Result<(), ErrorInfo>> {
        let mut results: Vec<Result<(), ErrorInfo>> =
            txs.iter().map(|t| t.check_stateless(&self.chain_id, &self.params, t.encode().len())).collect();
        let to_verify: Vec<&Tx> = txs.iter().zip(&results).filter(|(_, r)| r.is_ok()).map(|(t, _)| t).collect();
        let mut verified = crate::tx::verify_signatures(&self.chain_id, &to_verify, 2).into_iter();
        for r in results.iter_mut().filter(|r| r.is_ok()) {
            if let Some(Err(e)) = verified.next() {
                *r = Err(ErrorInfo::from_coded(&e));
            }
        }
        results
    }

    /// The checks a mempool runs against committed state: the nonce is not
    /// already used and the signer can pay the fee. `pending` is how many of the
    /// signer's transactions already wait in the mempool ahead of this one.
    pub fn check_tx_state(&self, state: &impl StateRead, tx: &Tx, pending_fees: u128) -> Result<Nonce, ErrorInfo> {
        let coded = |e: TxError| ErrorInfo::from_coded(&e);
        let signer = tx.signer_address();
        let nonce = auth::nonce(state, &signer).map_err(|e| coded(e.into()))?;
        if tx.body.nonce < nonce {
            return Err(coded(TxError::BadNonce { expected: nonce, got: tx.body.nonce }));
        }
        let balance = greenhour_bank::state::balance(state, &signer, &greenhour_primitives::Denom::ghr())
            .map_err(|e| ErrorInfo::from_coded(&e))?;
        let needed = pending_fees.saturating_add(tx.body.fee);
        if balance < needed {
            return Err(coded(TxError::CannotPayFee(format!("balance {balance}ughr < fees {needed}ughr"))));
        }
        Ok(nonce)
    }

    /// Builds, executes and commits the next block from candidate transactions
    /// (signatures already verified). Failing candidates are left out and
    /// reported in the outcome with their error.
    pub fn build_block(&self, time: UnixSeconds, candidates: Vec<Tx>) -> Result<BlockOutcome, AppError> {
        self.propose_block(time, candidates)?.wait()
    }

    /// Like [`App::build_block`] but returns as soon as the block is executed and
    /// hashed; its write continues in the background while the caller may build
    /// the next block on top of it (pipelining). One write is in flight at most.
    pub fn propose_block(&self, time: UnixSeconds, candidates: Vec<Tx>) -> Result<PendingBlock, AppError> {
        let sealed = self.prepare_proposal(time, candidates)?;
        self.commit_sealed(sealed, None)
    }

    /// Validates and commits a block proposed elsewhere (or replayed). Refuses it
    /// whole when any field or transaction is wrong; nothing is written then.
    pub fn apply_block(&self, block: Block) -> Result<BlockOutcome, AppError> {
        let expected_hash = block.hash();
        let sealed = self.process_proposal(block)?;
        let outcome = self.commit_sealed(sealed, None)?.wait()?;
        debug_assert_eq!(outcome.block.hash(), expected_hash);
        Ok(outcome)
    }

    /// Builds the next block from candidate transactions (signatures already
    /// verified) on top of the head, executes and hashes it, and writes nothing:
    /// a proposal that consensus may or may not decide. Failing candidates are
    /// left out and reported in the outcome.
    pub fn prepare_proposal(&self, time: UnixSeconds, candidates: Vec<Tx>) -> Result<SealedBlock, AppError> {
        let parent = self.head();
        // Chain time never goes backwards; several blocks may share a second.
        let time = time.max(parent.time);
        let last_commit = self
            .last_certificate
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .filter(|c| c.height == parent.height && c.block == parent.hash());
        let ctx = self.block_ctx(&parent, time, &last_commit);
        let executed = self.execute(&ctx, candidates, Mode::Build)?;
        let tree_started = std::time::Instant::now();
        let prepared = self.store.prepare(ctx.height, &executed.changes)?;
        let tree_us = tree_started.elapsed().as_micros() as u64;
        Ok(self.seal(parent, ctx, executed, prepared, tree_us, last_commit))
    }

    /// Checks a block proposed by someone else against the head: every header
    /// field, every transaction (any failure refuses the block whole) and the
    /// resulting app hash and validator hashes. Writes nothing.
    pub fn process_proposal(&self, block: Block) -> Result<SealedBlock, AppError> {
        let parent = self.head();
        let h = &block.header;
        let bad = |m: String| Err(AppError::InvalidBlock(m));
        if h.chain_id != self.chain_id {
            return bad(format!("chain {} is not {}", h.chain_id, self.chain_id));
        }
        if h.height != parent.height + 1 {
            return bad(format!("height {} does not follow {}", h.height, parent.height));
        }
        if h.prev_hash != parent.hash() {
            return bad("prev_hash is not the parent's hash".into());
        }
        if h.time < parent.time {
            return bad(format!("time {} is before parent time {}", h.time, parent.time));
        }
        if block.txs.len() > self.params.max_block_txs as usize {
            return bad(format!("{} transactions exceed the limit", block.txs.len()));
        }
        let hashes: Vec<Hash> = block.txs.iter().map(|t| t.hash()).collect();
        if h.tx_root != tx_root(&hashes) {
            return bad("tx_root does not match the transactions".into());
        }
        if h.last_commit_hash != last_commit_hash(&block.last_commit) {
            return bad("last_commit_hash does not match the block's last commit".into());
        }
        if let Some(c) = &block.last_commit {
            if c.height != parent.height || c.block != parent.hash() {
                return bad("last_commit is not a certificate of the parent".into());
            }
            // The parent was signed by the current set of the state it produced.
            let set = greenhour_staking::state::current_set(&self.store.head_snapshot()?)
                .map_err(|e| AppError::of_module(&e))?;
            if let Err(e) = c.verify(&self.chain_id, &set) {
                return bad(format!("last_commit does not verify: {e}"));
            }
        }
        let ctx = self.block_ctx(&parent, h.time, &block.last_commit);
        let expected_app_hash = h.app_hash;
        let expected_hash = block.hash();
        let Block { txs, last_commit, .. } = block;
        let executed = self.execute(&ctx, txs, Mode::Verify)?;
        let tree_started = std::time::Instant::now();
        let prepared = self.store.prepare(ctx.height, &executed.changes)?;
        let tree_us = tree_started.elapsed().as_micros() as u64;
        if prepared.root != expected_app_hash {
            return bad(format!("app_hash {} differs from the computed {}", expected_app_hash, prepared.root));
        }
        if (h.validators_hash, h.next_validators_hash) != executed.validator_hashes {
            return bad("validators_hash or next_validators_hash differs from the staking sets".into());
        }
        let sealed = self.seal(parent, ctx, executed, prepared, tree_us, last_commit);
        if sealed.block.hash() != expected_hash {
            return bad("the block's header differs from the one its execution gives".into());
        }
        Ok(sealed)
    }

    fn block_ctx(
        &self,
        parent: &Header,
        time: UnixSeconds,
        last_commit: &Option<greenhour_light::CommitCertificate>,
    ) -> BlockCtx {
        let height = parent.height + 1;
        let beacon = Hash::digest_parts(&[b"greenhour/beacon", &parent.hash().0, &height.to_be_bytes()]);
        let last_commit_signers = last_commit.as_ref().map(|c| c.signatures.iter().map(|s| s.validator_key).collect());
        BlockCtx { chain_id: self.chain_id.clone(), height, time, beacon, last_commit_signers }
    }

    fn execute(&self, ctx: &BlockCtx, txs: Vec<Tx>, mode: Mode) -> Result<Executed, AppError> {
        let started = std::time::Instant::now();
        let mut overlay = BlockOverlay::new(self.store.head_snapshot()?);
        // A software upgrade governance scheduled: no block at or past its height
        // runs on this release (Cosmos x/upgrade halts the same way).
        if let Some(plan) = greenhour_governance::api::upgrade_plan(&overlay).map_err(|e| AppError::of_module(&e))? {
            if ctx.height >= plan.height {
                return Err(AppError::UpgradeNeeded { name: plan.name, height: plan.height, info: plan.info });
            }
        }
        overlay.put(&last_block_key(), &(ctx.height, ctx.time));
        modules::begin_block(&mut overlay, ctx)?;
        let mut block_events = overlay.take_events();

        let encoded: Vec<Vec<u8>> = txs.iter().map(|t| t.encode()).collect();
        let precheck: Vec<Result<(), ErrorInfo>> = match mode {
            Mode::Verify => self.precheck(&txs),
            Mode::Build => txs
                .iter()
                .zip(&encoded)
                .map(|(t, e)| t.check_stateless(&self.chain_id, &self.params, e.len()))
                .collect(),
        };

        // Signatures inside actions (device telemetry) are verified in one batch on two
        // threads before execution; handlers then only look them up.
        let signatures = std::sync::Arc::new(self.batch_verify_claims(&overlay, &txs));

        let mut included = Vec::with_capacity(txs.len());
        let mut outcomes = Vec::with_capacity(txs.len());
        let mut block_bytes = 0u64;
        for ((tx, bytes), pre) in txs.into_iter().zip(encoded).zip(precheck) {
            let hash = Hash::digest(&bytes);
            let admitted = pre.and_then(|()| {
                if included.len() >= self.params.max_block_txs as usize
                    || block_bytes + bytes.len() as u64 > self.params.max_block_bytes
                {
                    return Err(ErrorInfo::new("tx", 12, "block is full"));
                }
                self.charge_tx(&mut overlay, &tx)
            });
            let mut events = match admitted {
                Ok(fee_events) => fee_events,
                Err(e) => {
                    if mode == Mode::Verify {
                        return Err(AppError::InvalidBlock(format!("transaction {hash} fails admission: {e}")));
                    }
                    outcomes.push(TxOutcome { hash, result: Err(e), charged: None });
                    continue;
                }
            };
            block_bytes += bytes.len() as u64;
            let error = match self.execute_actions(&mut overlay, ctx, &tx, hash, &signatures) {
                Ok(action_events) => {
                    events.extend(action_events);
                    None
                }
                Err(e) => Some(e),
            };
            let record = TxRecord { hash, height: ctx.height, index: included.len() as u32, events, error };
            outcomes.push(TxOutcome::in_block(record.clone()));
            included.push((tx, record));
        }

        modules::end_block(&mut overlay, ctx)?;
        block_events.extend(overlay.take_events());
        if invariants_due(ctx.height, self.params.invariant_check_interval, cfg!(debug_assertions)) {
            modules::check_invariants(&overlay).map_err(|(module, e)| AppError::Module {
                module,
                error: ErrorInfo::new(module, 0, format!("invariant broken at height {}: {e}", ctx.height)),
            })?;
        }
        let (signing_set, validator_hashes) = validator_sets(&overlay)?;
        let execute_us = started.elapsed().as_micros() as u64;
        Ok(Executed {
            execute_us,
            changes: overlay.into_effective_changes()?,
            included,
            outcomes,
            block_events,
            validator_hashes,
            signing_set,
        })
    }

    fn batch_verify_claims(&self, state: &impl StateRead, txs: &[Tx]) -> greenhour_framework::SignatureCache {
        let claims: Vec<greenhour_framework::SignatureClaim> = txs
            .iter()
            .flat_map(|tx| tx.body.actions.iter())
            .flat_map(|action| action.signature_claims(state))
            .collect();
        if claims.is_empty() {
            return Default::default();
        }
        greenhour_framework::SignatureCache::verify(&self.chain_id, &claims, 2)
    }

    /// Admits a transaction into the block: its nonce is the next one and it pays
    /// its fee. Both stay even if its actions then fail, so a failing transaction
    /// costs its sender (Cosmos SDK's ante handler); on an error nothing is written.
    fn charge_tx(&self, block: &mut BlockOverlay<HeadSnapshot>, tx: &Tx) -> Result<Vec<Event>, ErrorInfo> {
        let coded_tx = |e: TxError| ErrorInfo::from_coded(&e);
        let mut state = TxOverlay::new(block);
        let signer = tx.signer_address();
        let expected = auth::nonce(&state, &signer).map_err(|e| coded_tx(e.into()))?;
        if tx.body.nonce != expected {
            return Err(coded_tx(TxError::BadNonce { expected, got: tx.body.nonce }));
        }
        greenhour_bank::state::transfer(&mut state, &signer, &self.fee_collector, &Coin::ghr(tx.body.fee))
            .map_err(|e| coded_tx(TxError::CannotPayFee(e.to_string())))?;
        auth::set_nonce(&mut state, &signer, expected + 1);
        Ok(state.commit())
    }

    /// Runs an admitted transaction's actions in their own overlay: all of them
    /// or, on the first error, none.
    fn execute_actions(
        &self,
        block: &mut BlockOverlay<HeadSnapshot>,
        ctx: &BlockCtx,
        tx: &Tx,
        hash: Hash,
        signatures: &std::sync::Arc<greenhour_framework::SignatureCache>,
    ) -> Result<Vec<Event>, ErrorInfo> {
        let mut state = TxOverlay::new(block);
        let tx_ctx =
            TxCtx { block: ctx.clone(), signer: tx.signer_address(), tx_hash: hash, signatures: signatures.clone() };
        for action in &tx.body.actions {
            action.execute(&mut state, &tx_ctx)?;
        }
        Ok(state.commit())
    }

    /// Puts the header on an executed block and lays out its rows; writes nothing.
    fn seal(
        &self,
        parent: Header,
        ctx: BlockCtx,
        executed: Executed,
        prepared: greenhour_state::PreparedCommit,
        tree_us: u64,
        last_commit: Option<greenhour_light::CommitCertificate>,
    ) -> SealedBlock {
        let Executed { execute_us, changes, included, outcomes, block_events, validator_hashes, signing_set } =
            executed;
        let hashes: Vec<Hash> = included.iter().map(|(_, r)| r.hash).collect();
        let header = Header {
            chain_id: self.chain_id.clone(),
            height: ctx.height,
            time: ctx.time,
            prev_hash: parent.hash(),
            tx_root: tx_root(&hashes),
            app_hash: prepared.root,
            validators_hash: validator_hashes.0,
            next_validators_hash: validator_hashes.1,
            last_commit_hash: last_commit_hash(&last_commit),
        };
        let mut aux = Vec::with_capacity(2 * included.len() + 3);
        // Rows grouped by table: the store opens each table once per run of rows.
        for (tx, record) in &included {
            aux.push(AuxWrite {
                table: TXS_BY_SIGNER,
                key: signer_nonce_key(&tx.signer_address(), tx.body.nonce),
                value: greenhour_codec::encode(&record.hash),
            });
        }
        let mut txs = Vec::with_capacity(included.len());
        for (tx, record) in included {
            aux.push(AuxWrite {
                table: TX_INDEX,
                key: record.hash.0.to_vec(),
                value: greenhour_codec::encode(&record),
            });
            txs.push(tx);
        }
        let block = Block { header, txs, last_commit };
        aux.push(block_row(&block));
        if !block_events.is_empty() {
            aux.push(AuxWrite {
                table: BLOCK_EVENTS,
                key: ctx.height.to_be_bytes().to_vec(),
                value: greenhour_codec::encode(&block_events),
            });
        }
        SealedBlock {
            parent: parent.hash(),
            block,
            outcomes,
            block_events,
            signing_set,
            changes,
            aux,
            prepared,
            timings: BlockTimings { execute_us, tree_us, write_us: 0 },
        }
    }

    /// Starts writing a sealed block, with `certificate` stored beside it (or,
    /// without one, a certificate signed by this node's commit keys, if any).
    /// Refuses a block whose parent is no longer the head; nothing is written then.
    pub fn commit_sealed(
        &self,
        sealed: SealedBlock,
        certificate: Option<greenhour_light::CommitCertificate>,
    ) -> Result<PendingBlock, AppError> {
        let write_started = std::time::Instant::now();
        let SealedBlock { parent, block, outcomes, block_events, signing_set, changes, mut aux, prepared, timings } =
            sealed;
        if parent != self.head().hash() {
            return Err(AppError::InvalidBlock(format!(
                "block {} was sealed on a parent that is no longer the head",
                block.header.height
            )));
        }
        let certificate = certificate.or_else(|| self.sign_commit(&block.header, &signing_set));
        if let Some(certificate) = &certificate {
            aux.push(AuxWrite {
                table: COMMITS,
                key: block.header.height.to_be_bytes().to_vec(),
                value: greenhour_codec::encode(certificate),
            });
        }
        let ticket = self.store.write_async(prepared, changes, aux)?;
        *self.head.lock().unwrap_or_else(|p| p.into_inner()) = block.header.clone();
        *self.last_certificate.lock().unwrap_or_else(|p| p.into_inner()) = certificate;
        Ok(PendingBlock { outcome: BlockOutcome { block, outcomes, block_events, timings }, ticket, write_started })
    }
}

/// A block executed and hashed on top of the head but not written: a proposal
/// this node built or one it checked. [`App::commit_sealed`] writes it once
/// consensus decides it; dropping it leaves no trace.
pub struct SealedBlock {
    /// Hash of the header it was executed on.
    parent: Hash,
    block: Block,
    outcomes: Vec<TxOutcome>,
    block_events: Vec<Event>,
    /// The set that signs this block.
    signing_set: greenhour_light::ValidatorSet,
    changes: greenhour_state::Changes,
    aux: Vec<AuxWrite>,
    prepared: greenhour_state::PreparedCommit,
    timings: BlockTimings,
}

impl SealedBlock {
    pub fn block(&self) -> &Block {
        &self.block
    }
    /// The state writes the block makes (key → new value, `None`: deleted).
    pub fn changes(&self) -> &greenhour_state::Changes {
        &self.changes
    }
    /// Every transaction offered, in order, with its record or why it was left out.
    pub fn outcomes(&self) -> &[TxOutcome] {
        &self.outcomes
    }
}

fn block_row(block: &Block) -> AuxWrite {
    AuxWrite { table: BLOCKS, key: block.header.height.to_be_bytes().to_vec(), value: greenhour_codec::encode(block) }
}

/// Whether block `height` checks every invariant: always in debug builds, else on
/// multiples of the genesis interval (never when it is 0).
fn invariants_due(height: Height, interval: u64, debug: bool) -> bool {
    debug || (interval > 0 && height.is_multiple_of(interval))
}

#[cfg(test)]
mod invariant_schedule_tests {
    use super::invariants_due;

    #[test]
    fn release_builds_check_invariants_on_the_genesis_interval() {
        assert!(invariants_due(7, 100, true), "debug builds check every block");
        assert!(invariants_due(100, 100, false) && invariants_due(300, 100, false));
        assert!(!invariants_due(101, 100, false));
        assert!(!invariants_due(100, 0, false), "0 turns the release check off");
        assert!(invariants_due(5, 1, false));
    }
}
