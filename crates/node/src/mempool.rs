//! The mempool: checked, signed transactions waiting for a block.
//!
//! Admission runs, in order: size limit and decoding; the envelope's stateless
//! checks; batched signature verification (outside the lock, on two threads);
//! then, under the lock, duplicate rejection, the nonce window and fee
//! affordability against the head state (the newest block built, even while it
//! is still being written) plus the signer's pending fees.
//! Reaping takes each signer's contiguous run of nonces from its committed
//! nonce, signers in order of their oldest pending transaction (FIFO fairness).

use greenhour_app::{App, BlockOutcome, Tx};
use greenhour_framework::ErrorInfo;
use greenhour_primitives::{Address, Hash, Nonce};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Mempool limits.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MempoolConfig {
    /// Most transactions held at once.
    pub max_txs: usize,
    /// Most encoded bytes held at once.
    pub max_bytes: usize,
    /// How far ahead of its committed nonce a signer may queue.
    pub max_nonce_gap: u64,
    /// Threads used for batch signature verification.
    pub verify_threads: usize,
}

impl Default for MempoolConfig {
    fn default() -> Self {
        MempoolConfig { max_txs: 200_000, max_bytes: 256 << 20, max_nonce_gap: 4_096, verify_threads: 2 }
    }
}

/// Why the mempool refused a transaction (module `mempool`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MempoolError {
    /// Returned when the same transaction is already pending.
    #[error("transaction {0} is already in the mempool")]
    Duplicate(Hash),
    /// Returned when another transaction with the same signer and nonce is pending.
    #[error("nonce {0} of this signer is already pending")]
    NonceTaken(Nonce),
    /// Returned when the nonce is too far ahead of the signer's committed nonce.
    #[error("nonce {got} is more than {max_gap} ahead of the committed nonce {committed}")]
    NonceTooFar { got: Nonce, committed: Nonce, max_gap: u64 },
    /// Returned when the mempool holds as many transactions or bytes as it may.
    #[error("mempool is full")]
    Full,
    /// Returned when a transaction is evicted because an earlier nonce of its signer failed.
    #[error("dropped: nonce {0} of this signer failed, so later nonces cannot run")]
    Orphaned(Nonce),
}

impl greenhour_framework::CodedError for MempoolError {
    fn module(&self) -> &'static str {
        "mempool"
    }
    fn code(&self) -> u32 {
        match self {
            MempoolError::Duplicate(_) => 1,
            MempoolError::NonceTaken(_) => 2,
            MempoolError::NonceTooFar { .. } => 3,
            MempoolError::Full => 4,
            MempoolError::Orphaned(_) => 5,
        }
    }
}

struct Pending {
    tx: Tx,
    hash: Hash,
    len: usize,
}

#[derive(Default)]
struct SignerQueue {
    /// Arrival sequence of the oldest pending transaction: the signer's place in line.
    first_seq: u64,
    txs: BTreeMap<Nonce, Pending>,
    fees: u128,
}

#[derive(Default)]
struct Inner {
    by_hash: HashMap<Hash, (Address, Nonce)>,
    signers: HashMap<Address, SignerQueue>,
    seq: u64,
    bytes: usize,
}

impl Inner {
    fn remove(&mut self, signer: &Address, nonce: Nonce) -> Option<Pending> {
        let queue = self.signers.get_mut(signer)?;
        let p = queue.txs.remove(&nonce)?;
        queue.fees -= p.tx.body.fee;
        self.bytes -= p.len;
        self.by_hash.remove(&p.hash);
        if queue.txs.is_empty() {
            self.signers.remove(signer);
        }
        Some(p)
    }
}

/// Pending transactions, safe to share between RPC handlers and the block producer.
pub struct Mempool {
    app: Arc<App>,
    config: MempoolConfig,
    inner: Mutex<Inner>,
}

fn coded(e: MempoolError) -> ErrorInfo {
    ErrorInfo::from_coded(&e)
}

impl Mempool {
    pub fn new(app: Arc<App>, config: MempoolConfig) -> Self {
        Mempool { app, config, inner: Mutex::new(Inner::default()) }
    }

    pub fn len(&self) -> usize {
        self.lock().by_hash.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn contains(&self, hash: &Hash) -> bool {
        self.lock().by_hash.contains_key(hash)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave Inner half-updated in a way
        // that breaks safety (worst case a stale entry), so recover the guard.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Decodes and admits raw transactions; one result per input.
    pub fn submit_raw(&self, raw: &[Vec<u8>]) -> Vec<Result<Hash, ErrorInfo>> {
        let max = self.app.params().max_tx_bytes;
        let mut results: Vec<Option<Result<Hash, ErrorInfo>>> = Vec::with_capacity(raw.len());
        let mut decoded = Vec::with_capacity(raw.len());
        for bytes in raw {
            match Tx::decode(bytes, max) {
                Ok(tx) => {
                    decoded.push(tx);
                    results.push(None);
                }
                Err(e) => results.push(Some(Err(ErrorInfo::from_coded(&e)))),
            }
        }
        let mut admitted = self.submit(decoded).into_iter();
        results.into_iter().map(|r| r.unwrap_or_else(|| admitted.next().expect("one result per decoded tx"))).collect()
    }

    /// Admits decoded transactions; one result per input.
    pub fn submit(&self, txs: Vec<Tx>) -> Vec<Result<Hash, ErrorInfo>> {
        let prechecks = self.app.precheck(&txs);
        let snapshot = match self.app.head_snapshot() {
            Ok(s) => s,
            Err(e) => return txs.iter().map(|_| Err(ErrorInfo::new("mempool", 100, e.to_string()))).collect(),
        };
        let mut inner = self.lock();
        txs.into_iter()
            .zip(prechecks)
            .map(|(tx, pre)| {
                pre?;
                self.admit(&mut inner, &snapshot, tx)
            })
            .collect()
    }

    fn admit(&self, inner: &mut Inner, snapshot: &greenhour_state::HeadSnapshot, tx: Tx) -> Result<Hash, ErrorInfo> {
        let len = tx.encode().len();
        let hash = tx.hash();
        if inner.by_hash.contains_key(&hash) {
            return Err(coded(MempoolError::Duplicate(hash)));
        }
        if inner.by_hash.len() >= self.config.max_txs || inner.bytes + len > self.config.max_bytes {
            return Err(coded(MempoolError::Full));
        }
        let signer = tx.signer_address();
        let nonce = tx.body.nonce;
        let pending_fees = inner.signers.get(&signer).map_or(0, |q| q.fees);
        let committed = self.app.check_tx_state(snapshot, &tx, pending_fees)?;
        if nonce > committed + self.config.max_nonce_gap {
            return Err(coded(MempoolError::NonceTooFar { got: nonce, committed, max_gap: self.config.max_nonce_gap }));
        }
        inner.seq += 1;
        let seq = inner.seq;
        let queue = inner.signers.entry(signer).or_insert_with(|| SignerQueue { first_seq: seq, ..Default::default() });
        if queue.txs.contains_key(&nonce) {
            return Err(coded(MempoolError::NonceTaken(nonce)));
        }
        queue.fees += tx.body.fee;
        queue.txs.insert(nonce, Pending { tx, hash, len });
        inner.bytes += len;
        inner.by_hash.insert(hash, (signer, nonce));
        Ok(hash)
    }

    /// The first nonce at or after `from` that `signer` has no pending transaction for.
    pub fn next_free_nonce(&self, signer: &Address, from: Nonce) -> Nonce {
        let inner = self.lock();
        let Some(queue) = inner.signers.get(signer) else { return from };
        let mut next = from;
        while queue.txs.contains_key(&next) {
            next += 1;
        }
        next
    }

    /// Candidates for the next block (see the module doc for the order).
    pub fn reap(&self, max_txs: usize, max_bytes: u64) -> Vec<Tx> {
        let snapshot = match self.app.head_snapshot() {
            Ok(s) => s,
            Err(_) => return Vec::new(),
        };
        let inner = self.lock();
        let mut order: Vec<(&u64, &Address, &SignerQueue)> =
            inner.signers.iter().map(|(a, q)| (&q.first_seq, a, q)).collect();
        order.sort_unstable_by_key(|(seq, _, _)| **seq);
        let mut out = Vec::new();
        let mut bytes = 0u64;
        'signers: for (_, signer, queue) in order {
            let committed = match greenhour_app::auth::nonce(&snapshot, signer) {
                Ok(n) => n,
                Err(_) => continue,
            };
            // Only the unbroken run of nonces from the committed one can execute.
            for (expected, (nonce, p)) in (committed..).zip(queue.txs.range(committed..)) {
                if *nonce != expected {
                    break;
                }
                if out.len() >= max_txs || bytes + p.len as u64 > max_bytes {
                    break 'signers;
                }
                out.push(p.tx.clone());
                bytes += p.len as u64;
            }
        }
        out
    }

    /// Removes what a committed block included (failed or not); evicts what it
    /// left out and every later nonce of the same signers. Returns the evicted
    /// transactions with why.
    pub fn on_block(&self, outcome: &BlockOutcome) -> Vec<(Hash, ErrorInfo)> {
        let mut inner = self.lock();
        let mut evicted = Vec::new();
        for tx in &outcome.block.txs {
            let signer = tx.signer_address();
            // Included, plus anything older that can no longer run.
            let stale: Vec<Nonce> = inner
                .signers
                .get(&signer)
                .map(|q| q.txs.range(..=tx.body.nonce).map(|(n, _)| *n).collect())
                .unwrap_or_default();
            for n in stale {
                if let Some(p) = inner.remove(&signer, n) {
                    if n != tx.body.nonce {
                        evicted.push((p.hash, ErrorInfo::new("tx", 6, format!("nonce {n} was already used"))));
                    }
                }
            }
        }
        for o in outcome.outcomes.iter().filter(|o| o.included().is_none()) {
            let Err(err) = &o.result else { continue };
            let Some((signer, nonce)) = inner.by_hash.get(&o.hash).copied() else {
                continue;
            };
            let later: Vec<Nonce> =
                inner.signers.get(&signer).map(|q| q.txs.range(nonce..).map(|(n, _)| *n).collect()).unwrap_or_default();
            for n in later {
                if let Some(p) = inner.remove(&signer, n) {
                    let why = if n == nonce { err.clone() } else { coded(MempoolError::Orphaned(nonce)) };
                    evicted.push((p.hash, why));
                }
            }
        }
        evicted
    }
}
