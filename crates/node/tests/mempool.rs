//! Mempool admission, reaping order and eviction, without a running node.

use greenhour_app::{App, AppAction, Tx};
use greenhour_bank::BankAction;
use greenhour_client::Wallet;
use greenhour_crypto::SecretKey;
use greenhour_node::{Mempool, MempoolConfig};
use greenhour_primitives::Coin;
use greenhour_state::{Store, StoreConfig};
use greenhour_testkit::{demo_genesis, DEMO_BALANCE};
use std::sync::Arc;

const CHAIN: &str = "greenhour-mempool-test";

fn setup(config: MempoolConfig) -> (Arc<App>, Mempool, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.redb"), &StoreConfig::default()).unwrap();
    let app = Arc::new(App::init_chain(store, &demo_genesis(CHAIN)).unwrap());
    let pool = Mempool::new(app.clone(), config);
    (app, pool, dir)
}

fn send(from: &str, nonce: u64, amount: u128) -> Tx {
    let w = Wallet::new(SecretKey::from_name(from), CHAIN.parse().unwrap(), 1_000);
    let to = SecretKey::from_name("erin").address();
    w.sign_offline(nonce, vec![AppAction::Bank(BankAction::Send { to, coins: vec![Coin::ghr(amount)] })], "")
}

fn code(r: &Result<greenhour_primitives::Hash, greenhour_framework::ErrorInfo>) -> Option<(String, u32)> {
    r.as_ref().err().map(|e| (e.module.clone(), e.code))
}

#[test]
fn reap_takes_unbroken_nonce_runs_in_arrival_order() {
    let (_app, pool, _dir) = setup(MempoolConfig::default());
    let results = pool.submit(vec![send("alice", 0, 1), send("alice", 1, 1), send("alice", 3, 1), send("bob", 0, 1)]);
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    let reaped = pool.reap(100, u64::MAX);
    let order: Vec<(String, u64)> = reaped
        .iter()
        .map(|t| {
            let who = if t.signer_address() == SecretKey::from_name("alice").address() { "alice" } else { "bob" };
            (who.to_string(), t.body.nonce)
        })
        .collect();
    assert_eq!(order, vec![("alice".into(), 0), ("alice".into(), 1), ("bob".into(), 0)]);
    assert_eq!(pool.reap(2, u64::MAX).len(), 2, "the tx limit is respected");
    assert_eq!(pool.len(), 4);
}

#[test]
fn rejects_when_full_too_far_ahead_or_already_pending() {
    let (_app, pool, _dir) = setup(MempoolConfig { max_txs: 2, max_nonce_gap: 10, ..Default::default() });
    let r = pool.submit(vec![
        send("alice", 0, 1),
        send("alice", 0, 2),
        send("alice", 11, 1),
        send("bob", 0, 1),
        send("carol", 0, 1),
    ]);
    assert_eq!(code(&r[0]), None);
    assert_eq!(code(&r[1]), Some(("mempool".into(), 2)), "same signer and nonce");
    assert_eq!(code(&r[2]), Some(("mempool".into(), 3)), "too far ahead");
    assert_eq!(code(&r[3]), None);
    assert_eq!(code(&r[4]), Some(("mempool".into(), 4)), "full");
    let again = pool.submit(vec![send("alice", 0, 1)]);
    assert_eq!(code(&again[0]), Some(("mempool".into(), 1)), "duplicate");
}

#[test]
fn rejects_fees_the_signer_cannot_cover_across_pending_txs() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.redb"), &StoreConfig::default()).unwrap();
    let mut genesis = demo_genesis(CHAIN);
    let poor = SecretKey::from_name("poor");
    // Exactly two fees' worth of ughr.
    genesis.bank.balances.push(greenhour_bank::GenesisBalance {
        address: poor.address(),
        coins: vec![Coin::ghr(2_000), Coin::new(greenhour_primitives::Denom::gusd(), 10)],
    });
    let app = Arc::new(App::init_chain(store, &genesis).unwrap());
    let pool = Mempool::new(app, MempoolConfig::default());
    let w = Wallet::new(poor, CHAIN.parse().unwrap(), 1_000);
    let to = SecretKey::from_name("erin").address();
    let tx = |n| {
        w.sign_offline(
            n,
            vec![AppAction::Bank(BankAction::Send {
                to,
                coins: vec![Coin::new(greenhour_primitives::Denom::gusd(), 1)],
            })],
            "",
        )
    };
    let r = pool.submit(vec![tx(0), tx(1), tx(2)]);
    assert_eq!(code(&r[0]), None);
    assert_eq!(code(&r[1]), None);
    assert_eq!(code(&r[2]), Some(("tx".into(), 8)));
}

#[test]
fn block_outcome_removes_what_it_holds_and_evicts_what_it_left_out_with_later_nonces() {
    let (app, pool, _dir) = setup(MempoolConfig::default());
    // alice 0 sends all but 1,500 ughr; alice 1 overdraws, fails in the block and
    // pays its 1,000 ughr fee; alice 2 then cannot pay its fee, so the block leaves
    // it out and alice 3 can no longer run; bob is untouched.
    let txs = vec![
        send("alice", 0, DEMO_BALANCE - 1_000 - 1_500),
        send("alice", 1, DEMO_BALANCE),
        send("alice", 2, 1),
        send("alice", 3, 1),
        send("bob", 0, 1),
    ];
    let hashes: Vec<_> = txs.iter().map(|t| t.hash()).collect();
    assert!(pool.submit(txs).iter().all(|r| r.is_ok()));
    let outcome = app.build_block(1_800_000_000, pool.reap(100, u64::MAX)).unwrap();
    let included: Vec<_> = outcome.block.txs.iter().map(|t| t.hash()).collect();
    assert_eq!(included, vec![hashes[0], hashes[1], hashes[4]]);
    let failed = outcome.outcomes.iter().find(|o| o.hash == hashes[1]).unwrap();
    assert_eq!(
        failed.charged.as_ref().and_then(|r| r.error.as_ref()).map(|e| (e.module.as_str(), e.code)),
        Some(("bank", 1))
    );
    let evicted = pool.on_block(&outcome);
    assert!(pool.is_empty());
    let why = |h| evicted.iter().find(|(x, _)| *x == h).map(|(_, e)| (e.module.clone(), e.code));
    assert_eq!(why(hashes[1]), None, "a failed transaction is in the block, not evicted");
    assert_eq!(why(hashes[2]), Some(("tx".into(), 8)));
    assert_eq!(why(hashes[3]), Some(("mempool".into(), 5)));
}
