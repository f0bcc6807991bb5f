//! Test helpers: [`TestNode`] drives the app without consensus or networking,
//! on a real redb store in a temporary folder, with named demo keys.
//!
//! Invariant: a `TestNode` treats transactions exactly as a node does —
//! signatures are batch-verified first, then the block is built, executed,
//! committed, and module invariants are checked after every block.

use greenhour_app::{App, AppAction, Block, BlockOutcome, Genesis, Tx, TxBody};
use greenhour_bank::{BankAction, GenesisBalance};
use greenhour_crypto::SecretKey;
use greenhour_primitives::{Address, Amount, ChainId, Coin, Denom, UnixSeconds};
use greenhour_state::{StateRead, Store, StoreConfig};
use std::path::Path;

pub mod jobs;
pub mod lending;
pub mod prices;
pub mod rwa;
pub mod strategies;
pub mod suite;
pub mod supply;

/// Chain id used by test nodes.
pub const TEST_CHAIN: &str = "greenhour-test";
/// Genesis time of test nodes: 2026-01-01T00:00:00Z.
pub const TEST_GENESIS_TIME: UnixSeconds = 1_767_225_600;
/// Names of the funded demo accounts.
pub const DEMO_ACCOUNTS: [&str; 4] = ["alice", "bob", "carol", "dave"];
/// What each demo account holds of each base denom at genesis.
pub const DEMO_BALANCE: Amount = 1_000_000_000_000;

/// A genesis with the demo accounts funded in ughr, ugusd and the test denom
/// (no ugco2: the carbon coin exists only against pooled credits), and dave as
/// the carbon issuer.
pub fn demo_genesis(chain_id: &str) -> Genesis {
    let mut g = Genesis::new(ChainId::new(chain_id).expect("valid chain id"), TEST_GENESIS_TIME);
    for name in DEMO_ACCOUNTS {
        g.bank.balances.push(GenesisBalance {
            address: SecretKey::from_name(name).address(),
            coins: vec![
                Coin::ghr(DEMO_BALANCE),
                Coin::new(Denom::gusd(), DEMO_BALANCE),
                Coin::new(test_denom(), DEMO_BALANCE),
            ],
        });
    }
    g.carbon.params.issuers = vec![SecretKey::from_name("dave").address()];
    g
}

/// A third base denom for tests that move several.
pub fn test_denom() -> Denom {
    Denom::new("utest").expect("valid denom")
}

/// True for keys that change in every block whatever the transactions do:
/// `app/last_block` and modules' keys under `{module}/block/`.
pub fn is_block_bookkeeping(key: &[u8]) -> bool {
    key == b"app/last_block" || std::str::from_utf8(key).is_ok_and(|k| k.split('/').nth(1) == Some("block"))
}

/// The keys whose values differ between two states, one per line (for a test's failure message).
fn differences(expected: &greenhour_state::KeyValues, actual: &greenhour_state::KeyValues) -> String {
    let expected: std::collections::BTreeMap<_, _> = expected.iter().cloned().collect();
    let actual: std::collections::BTreeMap<_, _> = actual.iter().cloned().collect();
    let keys: std::collections::BTreeSet<_> = expected.keys().chain(actual.keys()).collect();
    keys.into_iter()
        .filter(|k| expected.get(*k) != actual.get(*k))
        .map(|k| format!("  {}: expected {:?}, got {:?}", String::from_utf8_lossy(k), expected.get(k), actual.get(k)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An app on a temporary store.
pub struct TestNode {
    pub app: App,
    time: UnixSeconds,
    _dir: Option<tempfile::TempDir>,
}

impl TestNode {
    /// A fresh chain from [`demo_genesis`].
    pub fn new() -> Self {
        Self::with_genesis(&demo_genesis(TEST_CHAIN))
    }

    pub fn with_genesis(genesis: &Genesis) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut node = Self::open_at(dir.path(), genesis);
        node._dir = Some(dir);
        node
    }

    /// A node whose store lives in `dir` (kept after the node is dropped).
    pub fn open_at(dir: &Path, genesis: &Genesis) -> Self {
        let store = Store::open(&dir.join("state.redb"), &StoreConfig::default()).expect("open store");
        let app = App::init_chain(store, genesis).expect("init chain");
        let time = app.latest_header().expect("header").time;
        TestNode { app, time, _dir: None }
    }

    pub fn key(name: &str) -> SecretKey {
        SecretKey::from_name(name)
    }
    pub fn addr(name: &str) -> Address {
        SecretKey::from_name(name).address()
    }

    /// The signer's next nonce according to committed state.
    pub fn nonce(&self, address: &Address) -> u64 {
        greenhour_app::auth::nonce(&self.app.snapshot().expect("snapshot"), address).expect("nonce")
    }

    /// A signed transaction with the signer's committed nonce plus `offset`.
    pub fn tx_with_offset(&self, key: &SecretKey, actions: Vec<AppAction>, offset: u64) -> Tx {
        TxBody {
            chain_id: self.app.chain_id().clone(),
            signer: key.public_key(),
            nonce: self.nonce(&key.address()) + offset,
            fee: self.app.params().min_fee,
            actions,
            memo: String::new(),
        }
        .sign(key)
    }

    pub fn tx(&self, key: &SecretKey, actions: Vec<AppAction>) -> Tx {
        self.tx_with_offset(key, actions, 0)
    }

    /// A one-coin send from a demo account.
    pub fn send(&self, from: &str, to: &Address, coin: Coin) -> Tx {
        self.tx(&Self::key(from), vec![AppAction::Bank(BankAction::Send { to: *to, coins: vec![coin] })])
    }

    /// Time of the last block; the next block is 5 s later (plus any [`TestNode::advance`]).
    pub fn now(&self) -> UnixSeconds {
        self.time
    }

    /// Moves the clock forward so the next block is `seconds` (+5) later.
    pub fn advance(&mut self, seconds: u64) {
        self.time += seconds;
    }

    /// Verifies signatures (as the mempool does), builds and commits one block.
    /// Returns the outcome; transactions with bad signatures are reported as failed outcomes.
    pub fn produce_block(&mut self, txs: Vec<Tx>) -> BlockOutcome {
        let checks = self.app.precheck(&txs);
        let mut good = Vec::new();
        let mut bad = Vec::new();
        for (tx, r) in txs.into_iter().zip(checks) {
            match r {
                Ok(()) => good.push(tx),
                Err(e) => bad.push(greenhour_app::TxOutcome { hash: tx.hash(), result: Err(e), charged: None }),
            }
        }
        self.time += 5;
        let mut outcome = self.app.build_block(self.time, good).expect("build block");
        outcome.outcomes.extend(bad);
        self.check_invariants();
        outcome
    }

    /// Delivers one transaction in its own block and returns its result.
    pub fn deliver(&mut self, tx: Tx) -> Result<greenhour_app::TxRecord, greenhour_framework::ErrorInfo> {
        let hash = tx.hash();
        let outcome = self.produce_block(vec![tx]);
        outcome.outcomes.into_iter().find(|o| o.hash == hash).expect("outcome for tx").result
    }

    /// Signs `actions` by `key`, delivers them, checks that they were rejected and
    /// that they changed nothing but what admission charges, and returns the error.
    pub fn expect_rejected(&mut self, key: &SecretKey, actions: Vec<AppAction>) -> greenhour_framework::ErrorInfo {
        let tx = self.tx(key, actions);
        self.deliver_failing(tx)
    }

    /// Delivers a transaction that must fail and checks what it changed. One
    /// refused at admission (signature, chain, nonce, fee, or an action's own
    /// stateless check) is left out of the block and changes nothing; one whose
    /// actions fail against state is in the block and changes only what admission
    /// charges every transaction: the signer's nonce, and its fee moved to the fee
    /// collector. Returns the error.
    pub fn deliver_failing(&mut self, tx: Tx) -> greenhour_framework::ErrorInfo {
        let before = self.state_without_block_info();
        let charged = self.state_after_charging(&tx);
        let hash = tx.hash();
        let outcome = self.produce_block(vec![tx]);
        let outcome = outcome.outcomes.into_iter().find(|o| o.hash == hash).expect("outcome for tx");
        let err = outcome.result.clone().expect_err("the transaction should fail");
        let after = self.state_without_block_info();
        match outcome.charged {
            None => assert!(
                after == before,
                "a transaction left out of the block changed state: {err}\n{}",
                differences(&before, &after)
            ),
            Some(record) => {
                assert_eq!(record.error.as_ref(), Some(&err), "the record carries the error");
                assert!(
                    after == charged,
                    "a failed transaction changed more than its nonce and fee: {err}\n{}",
                    differences(&charged, &after)
                );
            }
        }
        err
    }

    /// What [`TestNode::state_without_block_info`] becomes after the next block
    /// if it holds `tx` with its actions failing: a reference block (executed,
    /// never written) holds instead a transaction of the same signer, nonce and
    /// fee whose only action, a send to itself of more GHR than exist, fails at
    /// once. So the reference has the nonce, the fee and whatever the block's own
    /// hooks do (an epoch's rewards, which take the fee in) and nothing else.
    /// Proposals are built on signatures the mempool checked, so the reference
    /// needs no key.
    pub fn state_after_charging(&self, tx: &Tx) -> greenhour_state::KeyValues {
        let mut body = tx.body.clone();
        body.actions =
            vec![AppAction::Bank(BankAction::Send { to: tx.signer_address(), coins: vec![Coin::ghr(u128::MAX)] })];
        let reference = Tx { body, signature: tx.signature };
        let sealed = self.app.prepare_proposal(self.time + 5, vec![reference]).expect("reference block");
        let mut state: std::collections::BTreeMap<Vec<u8>, Vec<u8>> =
            self.state_without_block_info().into_iter().collect();
        for (key, value) in sealed.changes().iter().filter(|(k, _)| !is_block_bookkeeping(k)) {
            match value {
                Some(v) => state.insert(key.clone(), v.clone()),
                None => state.remove(key),
            };
        }
        state.into_iter().collect()
    }

    /// Applies a block produced by another node.
    pub fn apply(&mut self, block: Block) -> Result<BlockOutcome, greenhour_app::AppError> {
        self.time = self.time.max(block.header.time);
        let r = self.app.apply_block(block);
        self.check_invariants();
        r
    }

    pub fn balance(&self, address: &Address, denom: &Denom) -> Amount {
        greenhour_bank::state::balance(&self.app.snapshot().expect("snapshot"), address, denom).expect("balance")
    }

    pub fn supply(&self, denom: &Denom) -> Amount {
        greenhour_bank::state::supply(&self.app.snapshot().expect("snapshot"), denom).expect("supply")
    }

    pub fn app_hash(&self) -> greenhour_primitives::Hash {
        self.app.latest_header().expect("header").app_hash
    }

    /// Panics with the broken invariant if any module's invariants fail.
    pub fn check_invariants(&self) {
        let snap = self.app.snapshot().expect("snapshot");
        if let Err((module, e)) = greenhour_app::modules::check_invariants(&snap) {
            panic!("invariant of {module} broken: {e}");
        }
    }

    /// Every key and value of committed state except the per-block bookkeeping
    /// (`app/last_block`, and modules' keys under `{module}/block/`, which change
    /// in every block), to show that a rejected transaction changed nothing.
    pub fn state_without_block_info(&self) -> greenhour_state::KeyValues {
        let snap = self.app.snapshot().expect("snapshot");
        snap.prefix_raw(b"").expect("scan").into_iter().filter(|(k, _)| !is_block_bookkeeping(k)).collect()
    }
}

impl Default for TestNode {
    fn default() -> Self {
        Self::new()
    }
}
