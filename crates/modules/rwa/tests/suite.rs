//! The shared module suite, run for rwa, and random subscriptions, redemptions,
//! transfers, payouts and freezes by any account over epochs, with income arriving.

use greenhour_app::AppAction;
use greenhour_devices::DeviceClass;
use greenhour_primitives::{Address, Coin, Denom};
use greenhour_rwa::genesis::{PackageRecord, RwaGenesis};
use greenhour_rwa::{
    Holding, Identity, Order, Package, PackageBook, PackageId, Rules, Rwa, RwaAction, RwaEvent, RwaParams, Tranche,
    TrancheTerms,
};
use greenhour_testkit::suite::{self, random_actions_keep_invariants, Step};
use greenhour_testkit::{demo_genesis, TestNode, TEST_CHAIN, TEST_GENESIS_TIME};
use proptest::prelude::*;

fn terms() -> Vec<TrancheTerms> {
    vec![
        TrancheTerms { name: "senior".into(), coupon_bps: 800, min_subordination_bps: 2_500 },
        TrancheTerms { name: "junior".into(), coupon_bps: 0, min_subordination_bps: 0 },
    ]
}

fn sample_genesis() -> RwaGenesis {
    let issuer = Address([1; 20]);
    let holder = Address([2; 20]);
    let package = Package {
        id: PackageId(3),
        issuer,
        name: "sample".into(),
        legal_name: "Sample SPV".into(),
        jurisdiction: "SG".into(),
        documents: vec![],
        class: DeviceClass::Home,
        tranches: terms(),
        rules: Rules { max_holders: 10, ..Rules::default() },
        epoch_secs: 3_600,
        fee_bps: 50,
        maturity: TEST_GENESIS_TIME + 86_400,
        created_at: TEST_GENESIS_TIME,
        assets: vec![],
    };
    let tranche = Tranche {
        units: 70,
        principal: 70,
        holders: 1,
        pending_redeem: 20,
        orders: 1,
        offers: 1,
        ..Tranche::default()
    };
    RwaGenesis {
        params: RwaParams { claim_issuers: vec![issuer], ..RwaParams::default() },
        identities: vec![(
            holder,
            Identity { issuer, jurisdiction: "SG".into(), accredited: false, expires_at: TEST_GENESIS_TIME + 99 },
        )],
        packages: vec![PackageRecord {
            package,
            book: PackageBook { epoch: 4, epoch_started: TEST_GENESIS_TIME, ..PackageBook::default() },
            tranches: vec![tranche, Tranche::default()],
            holdings: vec![(0, holder, Holding { units: 50, listed: 10, ..Holding::default() })],
            orders: vec![(0, holder, Order { invest: 0, redeem: 20 })],
            frozen: vec![holder],
            flows: vec![],
            offers: vec![greenhour_rwa::Offer {
                id: 7,
                package: PackageId(3),
                tranche: 0,
                owner: holder,
                side: greenhour_rwa::Side::Sell,
                price_wad: 1_000_000_000_000_000_000,
                units: 10,
                escrow: 0,
                placed_at: TEST_GENESIS_TIME,
            }],
            epochs: vec![greenhour_rwa::EpochRecord {
                epoch: 3,
                closed_at: TEST_GENESIS_TIME,
                nav: 0,
                reserve: 0,
                prices_wad: vec![1, 1],
                invested: vec![70, 0],
                redeemed: vec![0, 0],
            }],
        }],
        swept_hour: Some(TEST_GENESIS_TIME / 3_600),
        next_offer: Some(8),
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Rwa>(&sample_genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Rwa>(&RwaGenesis::default());
}

/// A node with dave's package of one real position, alice the KYC provider, and
/// every demo account verified in Singapore.
fn node_with_package() -> (TestNode, PackageId) {
    let mut g = demo_genesis(TEST_CHAIN);
    g.rwa.params.claim_issuers = vec![TestNode::addr("alice")];
    let mut node = TestNode::with_genesis(&g);
    let (_, serial) = greenhour_testkit::lending::position_market(&mut node, 12);
    let create = RwaAction::CreatePackage {
        name: "suite".into(),
        legal_name: "Suite SPV".into(),
        jurisdiction: "SG".into(),
        documents: vec![],
        class: DeviceClass::Home,
        tranches: terms(),
        rules: Rules { max_holders: 3, ..Rules::default() },
        epoch_secs: 3_600,
        fee_bps: 100,
        maturity: node.now() + 6 * 3_600,
    };
    let key = |n: &str| TestNode::key(n);
    node.deliver(node.tx(&key("dave"), vec![AppAction::Rwa(create)])).unwrap();
    let id = PackageId(1);
    node.deliver(node.tx(&key("dave"), vec![AppAction::Rwa(RwaAction::AddAsset { package: id, serial })])).unwrap();
    for who in ["alice", "bob", "carol"] {
        let claim = RwaAction::Claim {
            subject: TestNode::addr(who),
            jurisdiction: "SG".into(),
            accredited: false,
            expires_at: node.now() + 86_400,
        };
        node.deliver(node.tx(&key("alice"), vec![AppAction::Rwa(claim)])).unwrap();
    }
    (node, id)
}

fn step() -> impl Strategy<Value = Step> {
    let id = PackageId(1);
    let action = prop_oneof![
        (0u32..3, 1u128..5_000_000).prop_map(move |(tranche, amount)| RwaAction::Invest {
            package: id,
            tranche,
            amount
        }),
        (0u32..2, 1u128..5_000_000).prop_map(move |(tranche, units)| RwaAction::Redeem { package: id, tranche, units }),
        (0u32..2, 0usize..4, 1u128..2_000_000).prop_map(move |(tranche, to, units)| RwaAction::Transfer {
            package: id,
            tranche,
            to: TestNode::addr(greenhour_testkit::DEMO_ACCOUNTS[to]),
            units
        }),
        (0u32..2).prop_map(move |tranche| RwaAction::ClaimPayout { package: id, tranche }),
        (
            0u32..2,
            any::<bool>(),
            1u128..3_000_000,
            900_000_000_000_000_000u128..1_100_000_000_000_000_000,
            any::<bool>()
        )
            .prop_map(move |(tranche, buy, units, price_wad, immediate_only)| RwaAction::PlaceOffer {
                package: id,
                tranche,
                side: if buy { greenhour_rwa::Side::Buy } else { greenhour_rwa::Side::Sell },
                units,
                price_wad,
                immediate_only,
            }),
        (1u64..12).prop_map(|offer| RwaAction::CancelOffer { offer }),
        (0usize..4, any::<bool>()).prop_map(move |(who, frozen)| RwaAction::Freeze {
            package: id,
            who: TestNode::addr(greenhour_testkit::DEMO_ACCOUNTS[who]),
            frozen
        }),
    ];
    let income = (0u128..20_000_000).prop_map(|amount| {
        AppAction::Bank(greenhour_bank::BankAction::Send {
            to: greenhour_rwa::api::custody(PackageId(1)),
            coins: vec![Coin::new(Denom::gusd(), amount.max(1))],
        })
    });
    (
        0usize..4,
        prop_oneof![action.prop_map(AppAction::Rwa), income],
        prop_oneof![Just(0u64), Just(1_800u64), Just(3_600u64)],
    )
        .prop_map(|(signer, action, advance)| Step { signer, actions: vec![action], advance })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Random orders, transfers, payouts, freezes and income over epochs and the
    /// maturity keep every invariant (checked after each block).
    #[test]
    fn random_rwa_actions_keep_invariants(steps in proptest::collection::vec(step(), 1..40)) {
        let (mut node, _) = node_with_package();
        random_actions_keep_invariants(&mut node, &steps);
    }
}

/// A seeded run gets past the refusals and closes epochs with fills.
#[test]
fn a_seeded_random_run_fills_orders() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[11; 32]));
    let steps = proptest::collection::vec(step(), 120).new_tree(&mut runner).unwrap().current();
    let (mut node, id) = node_with_package();
    let accepted = random_actions_keep_invariants(&mut node, &steps);
    assert!(accepted >= 30, "only {accepted} of 120 steps accepted");
    node.advance(3_600);
    let events = RwaEvent::all_in(&node.produce_block(vec![]).block_events);
    let view = greenhour_rwa::query::package(&node.app.snapshot().unwrap(), id, node.now()).unwrap();
    assert!(view.book.epoch > 3, "epochs closed: {view:?} {events:?}");
    assert!(view.tranches[0].tranche.units > 0, "the senior sold: {view:?}");
}
