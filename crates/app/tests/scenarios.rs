//! Scenario tests: what users can do, and what the chain refuses.

use greenhour_app::{AppAction, Tx, TxBody};
use greenhour_bank::{BankAction, Output};
use greenhour_crypto::SecretKey;
use greenhour_primitives::{Address, ChainId, Coin, Denom};
use greenhour_testkit::{TestNode, DEMO_BALANCE};

fn send_action(to: Address, coins: Vec<Coin>) -> Vec<AppAction> {
    vec![AppAction::Bank(BankAction::Send { to, coins })]
}

/// Delivers the tx and asserts it fails with `(module, code)`, changing nothing
/// when admission refuses it and only its nonce and fee when its actions fail.
fn assert_rejected(node: &mut TestNode, tx: Tx, module: &str, code: u32) {
    let err = node.deliver_failing(tx);
    assert_eq!((err.module.as_str(), err.code), (module, code), "unexpected error: {err}");
    assert!(!err.message.is_empty());
}

#[test]
fn app_can_transfer_and_charge_the_fee() {
    let mut node = TestNode::new();
    let bob = TestNode::addr("bob");
    let alice = TestNode::addr("alice");
    let fee = node.app.params().min_fee;
    let record = node.deliver(node.send("alice", &bob, Coin::ghr(250))).unwrap();
    assert_eq!(record.height, 1);
    assert!(greenhour_bank::BankEvent::all_in(&record.events)
        .iter()
        .any(|e| matches!(e, greenhour_bank::BankEvent::Transfer { .. })));
    assert_eq!(node.balance(&bob, &Denom::ghr()), DEMO_BALANCE + 250);
    assert_eq!(node.balance(&alice, &Denom::ghr()), DEMO_BALANCE - 250 - fee);
    assert_eq!(node.balance(&Address::for_module("fee_collector"), &Denom::ghr()), fee);
    assert_eq!(node.nonce(&alice), 1);
    assert_eq!(node.supply(&Denom::ghr()), 4 * DEMO_BALANCE);
    let stored = node.app.tx_record(&record.hash).unwrap().unwrap();
    assert_eq!(stored, record);
    let block = node.app.block(1).unwrap().unwrap();
    assert_eq!(block.txs[0].hash(), record.hash);
}

#[test]
fn app_can_multi_send_several_denoms() {
    let mut node = TestNode::new();
    let (bob, carol) = (TestNode::addr("bob"), TestNode::addr("carol"));
    let tx = node.tx(
        &TestNode::key("alice"),
        vec![AppAction::Bank(BankAction::MultiSend {
            outputs: vec![
                Output {
                    to: bob,
                    coins: vec![Coin::new(Denom::gusd(), 10), Coin::new(greenhour_testkit::test_denom(), 3)],
                },
                Output { to: carol, coins: vec![Coin::ghr(7)] },
            ],
        })],
    );
    node.deliver(tx).unwrap();
    assert_eq!(node.balance(&bob, &Denom::gusd()), DEMO_BALANCE + 10);
    assert_eq!(node.balance(&bob, &greenhour_testkit::test_denom()), DEMO_BALANCE + 3);
    assert_eq!(node.balance(&carol, &Denom::ghr()), DEMO_BALANCE + 7);
}

#[test]
fn app_can_fund_a_new_account_which_then_sends() {
    let mut node = TestNode::new();
    let newbie = SecretKey::from_name("newbie");
    node.deliver(node.send("alice", &newbie.address(), Coin::ghr(1_000_000))).unwrap();
    let tx = node.tx(&newbie, send_action(TestNode::addr("bob"), vec![Coin::ghr(5)]));
    node.deliver(tx).unwrap();
    assert_eq!(node.balance(&newbie.address(), &Denom::ghr()), 1_000_000 - 5 - node.app.params().min_fee);
}

#[test]
fn app_can_include_many_txs_of_one_signer_in_nonce_order() {
    let mut node = TestNode::new();
    let alice = TestNode::key("alice");
    let bob = TestNode::addr("bob");
    let txs: Vec<Tx> = (0..5).map(|i| node.tx_with_offset(&alice, send_action(bob, vec![Coin::ghr(1)]), i)).collect();
    let outcome = node.produce_block(txs);
    assert!(outcome.outcomes.iter().all(|o| o.result.is_ok()));
    assert_eq!(outcome.block.txs.len(), 5);
    assert_eq!(node.nonce(&alice.address()), 5);
}

#[test]
fn rejects_bad_signature() {
    let mut node = TestNode::new();
    let mut tx = node.send("alice", &TestNode::addr("bob"), Coin::ghr(1));
    tx.signature.0[3] ^= 0x40;
    assert_rejected(&mut node, tx, "tx", 5);
}

#[test]
fn rejects_signature_by_another_key() {
    let mut node = TestNode::new();
    let mut tx = node.send("alice", &TestNode::addr("bob"), Coin::ghr(1));
    tx.signature = TestNode::key("bob").sign(greenhour_crypto::Domain::Tx, node.app.chain_id(), &tx.sign_bytes());
    assert_rejected(&mut node, tx, "tx", 5);
}

#[test]
fn rejects_wrong_chain() {
    let mut node = TestNode::new();
    let alice = TestNode::key("alice");
    let tx = TxBody {
        chain_id: ChainId::new("other-chain").unwrap(),
        signer: alice.public_key(),
        nonce: 0,
        fee: node.app.params().min_fee,
        actions: send_action(TestNode::addr("bob"), vec![Coin::ghr(1)]),
        memo: String::new(),
    }
    .sign(&alice);
    assert_rejected(&mut node, tx, "tx", 3);
}

#[test]
fn rejects_replayed_nonce() {
    let mut node = TestNode::new();
    let tx = node.send("alice", &TestNode::addr("bob"), Coin::ghr(1));
    node.deliver(tx.clone()).unwrap();
    assert_rejected(&mut node, tx, "tx", 6);
}

#[test]
fn rejects_future_nonce_in_a_block() {
    let mut node = TestNode::new();
    let tx = node.tx_with_offset(&TestNode::key("alice"), send_action(TestNode::addr("bob"), vec![Coin::ghr(1)]), 3);
    assert_rejected(&mut node, tx, "tx", 6);
}

#[test]
fn rejects_underfunded_send() {
    let mut node = TestNode::new();
    let tx = node.send("alice", &TestNode::addr("bob"), Coin::ghr(DEMO_BALANCE));
    // The fee is payable, the amount is not (fee + amount > balance): the send is
    // rolled back, and the transaction is in its block, paying its fee.
    assert_rejected(&mut node, tx, "bank", 1);
    assert_eq!(node.balance(&TestNode::addr("alice"), &Denom::ghr()), DEMO_BALANCE - node.app.params().min_fee);
    // The message tells the balance at that point of the transaction apart from the
    // account's balance: the fee has been taken first.
    let fee = node.app.params().min_fee;
    let err = node.expect_rejected(
        &TestNode::key("alice"),
        vec![AppAction::Bank(greenhour_bank::BankAction::Send {
            to: TestNode::addr("bob"),
            coins: vec![Coin::ghr(DEMO_BALANCE)],
        })],
    );
    assert!(err.message.contains(&format!("has {}ughr at this point", DEMO_BALANCE - 2 * fee)), "{}", err.message);
    assert!(err.message.contains("after this transaction's fee"), "{}", err.message);
}

#[test]
fn rejects_signer_who_cannot_pay_the_fee() {
    let mut node = TestNode::new();
    let pauper = SecretKey::from_name("pauper");
    let tx = node.tx(&pauper, send_action(TestNode::addr("bob"), vec![Coin::ghr(1)]));
    assert_rejected(&mut node, tx, "tx", 8);
}

#[test]
fn rejects_fee_below_minimum() {
    let mut node = TestNode::new();
    let alice = TestNode::key("alice");
    let tx = TxBody {
        chain_id: node.app.chain_id().clone(),
        signer: alice.public_key(),
        nonce: 0,
        fee: node.app.params().min_fee - 1,
        actions: send_action(TestNode::addr("bob"), vec![Coin::ghr(1)]),
        memo: String::new(),
    }
    .sign(&alice);
    assert_rejected(&mut node, tx, "tx", 7);
}

#[test]
fn rejects_send_to_a_module_account() {
    let mut node = TestNode::new();
    let tx = node.send("alice", &Address::for_module("fee_collector"), Coin::ghr(1));
    assert_rejected(&mut node, tx, "bank", 7);
}

#[test]
fn rejects_zero_duplicate_and_empty_coins() {
    let mut node = TestNode::new();
    let alice = TestNode::key("alice");
    let bob = TestNode::addr("bob");
    let zero = node.tx(&alice, send_action(bob, vec![Coin::ghr(0)]));
    assert_rejected(&mut node, zero, "bank", 3);
    let dup = node.tx(&alice, send_action(bob, vec![Coin::ghr(1), Coin::ghr(2)]));
    assert_rejected(&mut node, dup, "bank", 4);
    let empty = node.tx(&alice, send_action(bob, vec![]));
    assert_rejected(&mut node, empty, "bank", 2);
    let none = node.tx(&alice, vec![]);
    assert_rejected(&mut node, none, "tx", 9);
}

#[test]
fn rejects_all_of_a_multi_send_when_one_output_fails() {
    let mut node = TestNode::new();
    let tx = node.tx(
        &TestNode::key("alice"),
        vec![AppAction::Bank(BankAction::MultiSend {
            outputs: vec![
                Output { to: TestNode::addr("bob"), coins: vec![Coin::ghr(10)] },
                Output { to: TestNode::addr("carol"), coins: vec![Coin::ghr(DEMO_BALANCE)] },
            ],
        })],
    );
    assert_rejected(&mut node, tx, "bank", 1);
}

#[test]
fn rejects_malformed_and_oversized_bytes() {
    let node = TestNode::new();
    let limit = node.app.params().max_tx_bytes;
    let good = node.send("alice", &TestNode::addr("bob"), Coin::ghr(1)).encode();
    assert!(Tx::decode(&good, limit).is_ok());
    let truncated = Tx::decode(&good[..good.len() - 1], limit).unwrap_err();
    assert!(matches!(truncated, greenhour_app::TxError::Malformed(_)));
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(matches!(Tx::decode(&trailing, limit).unwrap_err(), greenhour_app::TxError::Malformed(_)));
    let huge = vec![0u8; limit as usize + 1];
    assert!(matches!(Tx::decode(&huge, limit).unwrap_err(), greenhour_app::TxError::TooLarge { .. }));
    assert!(Tx::decode(&[], limit).is_err());
}

#[test]
fn rejects_oversized_memo_and_too_many_actions() {
    let mut node = TestNode::new();
    let alice = TestNode::key("alice");
    let params = node.app.params().clone();
    let mut body = TxBody {
        chain_id: node.app.chain_id().clone(),
        signer: alice.public_key(),
        nonce: 0,
        fee: params.min_fee,
        actions: send_action(TestNode::addr("bob"), vec![Coin::ghr(1)]),
        memo: "x".repeat(params.max_memo_bytes as usize + 1),
    };
    assert_rejected(&mut node, body.clone().sign(&alice), "tx", 11);
    body.memo.clear();
    body.actions =
        (0..=params.max_actions).flat_map(|_| send_action(TestNode::addr("bob"), vec![Coin::ghr(1)])).collect();
    assert_rejected(&mut node, body.sign(&alice), "tx", 10);
}

#[test]
fn rejects_a_foreign_block_with_a_failing_tx_and_accepts_a_valid_one() {
    let mut a = TestNode::new();
    let mut b = TestNode::new();
    let good = a.produce_block(vec![a.send("alice", &TestNode::addr("bob"), Coin::ghr(3))]).block;
    b.apply(good.clone()).expect("valid block applies");
    assert_eq!(a.app_hash(), b.app_hash());

    // A block whose tx fails on replay is refused whole.
    let mut forged = a.produce_block(vec![a.send("bob", &TestNode::addr("carol"), Coin::ghr(3))]).block;
    forged.txs[0].body.actions = send_action(TestNode::addr("carol"), vec![Coin::ghr(DEMO_BALANCE * 10)]);
    let before = b.app_hash();
    assert!(b.apply(forged.clone()).is_err());
    assert_eq!(b.app_hash(), before);
    assert_eq!(b.app.height().unwrap(), 1);

    // A wrong app hash is refused too.
    let mut c = TestNode::new();
    let mut wrong = good;
    wrong.header.app_hash = greenhour_primitives::Hash::digest(b"nope");
    assert!(c.apply(wrong).is_err());
    assert_eq!(c.app.height().unwrap(), 0);
}

#[test]
fn empty_block_changes_nothing_but_block_info() {
    let mut node = TestNode::new();
    let before = node.state_without_block_info();
    let outcome = node.produce_block(vec![]);
    assert!(outcome.block.txs.is_empty());
    assert_eq!(node.state_without_block_info(), before);
    assert_eq!(node.app.height().unwrap(), 1);
}

#[test]
fn genesis_round_trips_through_export() {
    use greenhour_framework::Module;
    let genesis = greenhour_testkit::demo_genesis("gh-roundtrip");
    let node = TestNode::with_genesis(&genesis);
    let exported = greenhour_bank::Bank::export_genesis(&node.app.snapshot().unwrap()).unwrap();
    let mut expected = genesis.bank.clone();
    expected.balances.sort_by_key(|b| b.address);
    for b in &mut expected.balances {
        b.coins.sort_by(|x, y| x.denom.cmp(&y.denom));
    }
    assert_eq!(exported, expected);
}

#[test]
fn app_can_export_its_state_as_a_genesis_that_starts_the_same_chain() {
    let genesis = greenhour_testkit::demo_genesis("gh-export");
    let node = TestNode::with_genesis(&genesis);
    let exported = node.app.export_genesis().unwrap();
    assert_eq!(exported.chain_id, genesis.chain_id);
    let again = TestNode::with_genesis(&exported);
    assert_eq!(again.app_hash(), node.app_hash(), "a chain started from the export has the same state root");
    assert_eq!(again.app.export_genesis().unwrap(), exported, "export is a fixed point");
    // Every module is in the export, under its name, and nothing else is.
    let json: serde_json::Value = serde_json::from_str(&exported.to_json()).unwrap();
    let fields: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    for (name, _) in greenhour_app::modules::MODULES {
        assert!(fields.contains(name), "{name} missing from {fields:?}");
    }
    assert_eq!(
        fields.len(),
        greenhour_app::modules::MODULES.len() + 3,
        "chain_id, genesis_time, params and the modules"
    );
}

#[test]
fn rejects_genesis_that_breaks_rules() {
    let dir = tempfile::tempdir().unwrap();
    let store = greenhour_state::Store::open(&dir.path().join("s.redb"), &Default::default()).unwrap();
    let mut g = greenhour_testkit::demo_genesis("gh-bad");
    g.bank.balances.push(g.bank.balances[0].clone());
    assert!(greenhour_app::App::init_chain(store.clone(), &g).is_err());
    assert_eq!(store.latest_version().unwrap(), None, "a refused genesis writes nothing");
    let mut g = greenhour_testkit::demo_genesis("gh-bad");
    g.bank.module_accounts.clear();
    assert!(greenhour_app::App::init_chain(store.clone(), &g).is_err());
}

#[test]
fn rejects_foreign_blocks_with_wrong_parent_height_time_or_tx_root() {
    let mut a = TestNode::new();
    let block = a.produce_block(vec![a.send("alice", &TestNode::addr("bob"), Coin::ghr(3))]).block;
    let genesis_time = greenhour_testkit::TEST_GENESIS_TIME;
    let mut cases = Vec::new();
    let mut b = block.clone();
    b.header.prev_hash = greenhour_primitives::Hash::digest(b"elsewhere");
    cases.push(("prev_hash", b));
    let mut b = block.clone();
    b.header.height = 2;
    cases.push(("height", b));
    let mut b = block.clone();
    b.header.time = genesis_time - 1;
    cases.push(("time before parent", b));
    let mut b = block.clone();
    b.header.tx_root = greenhour_primitives::Hash::digest(b"other txs");
    cases.push(("tx_root", b));
    let mut b = block.clone();
    b.header.chain_id = ChainId::new("other-chain").unwrap();
    cases.push(("chain", b));
    for (what, bad) in cases {
        let mut fresh = TestNode::new();
        assert!(fresh.apply(bad).is_err(), "a block with a wrong {what} was accepted");
        assert_eq!(fresh.app.height().unwrap(), 0, "{what}: nothing may be written");
    }
    let mut fresh = TestNode::new();
    fresh.apply(block).expect("the untouched block applies");
}
