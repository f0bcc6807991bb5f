//! `tx`: transaction bytes → decoding → admission → the block paths.
//!
//! Each input is a transaction's encoding. It is decoded under the chain's
//! size limit and offered to admission as it is (its signature is almost
//! always wrong: that path is fuzzed too), then re-signed by a demo account at
//! its next nonce so its actions reach the state machine: admitted, built into
//! a block, checked by the other path and committed.

use super::chain::Chain;
use crate::{Depth, Target};
use greenhour_app::{AppAction, Tx, TxBody};
use greenhour_bank::BankAction;
use greenhour_crypto::SecretKey;
use greenhour_primitives::{Coin, Denom};
use greenhour_testkit::jobs::{OPERATORS, RUN_HOUR};
use greenhour_testkit::TestNode;
use rand::rngs::StdRng;
use rand::Rng;

/// The conformance fixtures: one encoding of each action the chain knows.
const FIXTURES: &str = include_str!("../../../app/tests/fixtures/encodings.txt");

/// Every action in the conformance fixtures.
pub fn fixture_actions() -> Vec<AppAction> {
    FIXTURES
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(name, _)| name.ends_with("_action"))
        .filter_map(|(_, hex)| greenhour_codec::decode::<AppAction>(&hex::decode(hex).ok()?).ok())
        .collect()
}

pub struct TxTarget {
    chain: Chain,
}

pub fn make() -> Box<dyn Target> {
    Box::new(TxTarget { chain: Chain::new() })
}

impl TxTarget {
    /// Actions against the live chain's own ids: payments, slot releases,
    /// position transfers.
    fn live_actions(&self) -> Vec<(&'static str, AppAction)> {
        let bob = TestNode::addr("bob");
        let mut actions = vec![
            ("alice", AppAction::Bank(BankAction::Send { to: bob, coins: vec![Coin::ghr(1_000)] })),
            ("carol", AppAction::Bank(BankAction::Send { to: bob, coins: vec![Coin::new(Denom::gusd(), 5)] })),
        ];
        for (&owner, &position) in OPERATORS.iter().zip(&self.chain.positions) {
            for hour in RUN_HOUR + 1..RUN_HOUR + 4 {
                let release = greenhour_pools::PoolsAction::Release { position, hour, quantity: 1 };
                actions.push((owner, AppAction::Pools(release)));
            }
            let id = greenhour_nft::TokenId { class: "position".into(), serial: position };
            actions.push((owner, AppAction::Nft(greenhour_nft::NftAction::Transfer { id, to: bob })));
        }
        actions
    }
}

impl Target for TxTarget {
    fn name(&self) -> &'static str {
        "tx"
    }

    fn seeds(&self) -> Vec<Vec<u8>> {
        fixture_actions()
            .into_iter()
            .map(|action| ("alice", action))
            .chain(self.live_actions())
            .map(|(signer, action)| {
                let key = SecretKey::from_name(signer);
                let body = TxBody {
                    chain_id: self.chain.node.app.chain_id().clone(),
                    signer: key.public_key(),
                    nonce: 0,
                    fee: self.chain.node.app.params().min_fee,
                    actions: vec![action],
                    memo: String::new(),
                };
                self.chain.resign(body, &key, 0).encode()
            })
            .collect()
    }

    fn run(&mut self, input: &[u8]) -> Result<Depth, String> {
        let Ok(tx) = Tx::decode(input, self.chain.node.app.params().max_tx_bytes) else {
            return Ok(Depth::Undecoded);
        };
        // As sent: whatever admission says, it must say it without panicking.
        let _ = self.chain.admit(&tx);
        let key = Chain::signer(&tx);
        let tx = self.chain.resign(tx.body, &key, 0);
        if !self.chain.admit(&tx) {
            return Ok(Depth::Decoded);
        }
        self.chain.build_check_commit(vec![tx], 0)
    }

    /// Two actions of the corpus in one transaction, or one action's encoding
    /// mutated on its own (so the envelope stays decodable).
    fn mutate(&self, input: &[u8], rng: &mut StdRng) -> Option<Vec<u8>> {
        let mut tx = Tx::decode(input, u32::MAX).ok()?;
        if rng.gen_bool(0.2) {
            let extra = fixture_actions();
            tx.body.actions.push(extra[rng.gen_range(0..extra.len())].clone());
        } else if !tx.body.actions.is_empty() {
            let at = rng.gen_range(0..tx.body.actions.len());
            let mut bytes = greenhour_codec::encode(&tx.body.actions[at]);
            for _ in 0..rng.gen_range(1..=3) {
                crate::mutate::bytes(&mut bytes, &[], rng);
            }
            tx.body.actions[at] = greenhour_codec::decode::<AppAction>(&bytes).ok()?;
        }
        Some(tx.encode())
    }
}
