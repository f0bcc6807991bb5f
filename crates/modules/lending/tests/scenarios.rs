//! Lending through the whole app: markets, supply and borrow, health, income that
//! repays a loan, liquidation by price and by time, and every refusal changing nothing.

mod common;

use common::*;
use greenhour_lending::math::WAD;
use greenhour_lending::{Collateral, LendingAction, LendingEvent, MarketId, Size};
use greenhour_primitives::{Coin, Denom};
use greenhour_testkit::TestNode;

#[test]
fn app_can_supply_borrow_accrue_and_repay_against_tokens() {
    let mut node = TestNode::with_genesis(&genesis());
    let m = token_market(&mut node);
    let dave = TestNode::key("dave");
    // 1,000 GHR at ½ gUSD is worth 500 gUSD; at 77 % dave may owe 385.
    node.deliver(node.tx(&dave, act(LendingAction::SupplyCollateral { market: m, amount: 1_000_000_000 }))).unwrap();
    let limit = view(&node, m, "dave").borrow_limit.unwrap();
    assert_eq!(limit, 385_000_000);
    let before = gusd(&node, "dave");
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: 300_000_000 }))).unwrap();
    assert_eq!(gusd(&node, "dave"), before + 300_000_000);

    // A day later the debt has grown and so has what bob's supply is worth.
    node.advance(86_400);
    report(&mut node, HALF);
    let debt = view(&node, m, "dave").debt;
    assert!(debt > 300_000_000, "interest accrued: {debt}");
    let bob_supply = view(&node, m, "bob").supply_assets;
    assert!(bob_supply > 1_000_000_000 && bob_supply <= 1_000_000_000 + (debt - 300_000_000));

    // Repaying every share clears the debt exactly; the collateral comes back.
    let shares = view(&node, m, "dave").position.borrow_shares;
    node.deliver(node.tx(&dave, act(LendingAction::Repay { market: m, amount: Size::Shares(shares) }))).unwrap();
    assert_eq!(view(&node, m, "dave").debt, 0);
    node.deliver(node.tx(&dave, act(LendingAction::WithdrawCollateral { market: m, amount: 1_000_000_000 }))).unwrap();
    assert!(view(&node, m, "dave").position.is_empty());
    // Bob withdraws everything he can: the interest dave paid included.
    let bob_shares = view(&node, m, "bob").position.supply_shares;
    let bob_before = gusd(&node, "bob");
    node.deliver(
        node.tx(&TestNode::key("bob"), act(LendingAction::Withdraw { market: m, amount: Size::Shares(bob_shares) })),
    )
    .unwrap();
    assert!(gusd(&node, "bob") > bob_before + 1_000_000_000, "the supplier earned the interest");
}

#[test]
fn rejects_borrowing_past_the_limit_or_the_liquidity() {
    let mut node = TestNode::with_genesis(&genesis());
    let m = token_market(&mut node);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::SupplyCollateral { market: m, amount: 1_000_000_000 }))).unwrap();
    let e = node.expect_rejected(&dave, act(LendingAction::Borrow { market: m, assets: 385_000_001 }));
    assert_eq!(code(&e), ("lending", 12), "{e}");
    node.deliver(node.tx(&dave, act(LendingAction::SupplyCollateral { market: m, amount: 100_000_000_000 }))).unwrap();
    let e = node.expect_rejected(&dave, act(LendingAction::Borrow { market: m, assets: 1_000_000_001 }));
    assert_eq!(code(&e), ("lending", 11), "{e}");
    let e = node.expect_rejected(&dave, act(LendingAction::Borrow { market: m, assets: 0 }));
    assert_eq!(code(&e), ("lending", 7), "{e}");
    let e = node.expect_rejected(&dave, act(LendingAction::Repay { market: m, amount: Size::Assets(1) }));
    assert_eq!(code(&e), ("lending", 10), "repaying a debt one does not have: {e}");
    let e =
        node.expect_rejected(&dave, act(LendingAction::Borrow { market: greenhour_lending::MarketId(99), assets: 1 }));
    assert_eq!(code(&e), ("lending", 1), "{e}");
}

#[test]
fn rejects_markets_off_the_approved_lists() {
    let mut node = TestNode::with_genesis(&genesis());
    let carol = TestNode::key("carol");
    let ghr = Collateral::Token { denom: Denom::ghr(), feed: FEED.into() };
    let create =
        |lltv_wad, loan: Denom, collateral: Collateral| act(LendingAction::CreateMarket { loan, collateral, lltv_wad });
    let e = node.expect_rejected(&carol, create(WAD / 3, Denom::gusd(), ghr.clone()));
    assert_eq!(code(&e), ("lending", 2), "{e}");
    let e = node.expect_rejected(
        &carol,
        create(WAD / 2, Denom::ghr(), Collateral::Token { denom: Denom::gusd(), feed: FEED.into() }),
    );
    assert_eq!(code(&e), ("lending", 3), "{e}");
    let e = node.expect_rejected(
        &carol,
        create(WAD / 2, Denom::gusd(), Collateral::Token { denom: greenhour_testkit::test_denom(), feed: FEED.into() }),
    );
    assert_eq!(code(&e), ("lending", 4), "{e}");
    let e = node.expect_rejected(
        &carol,
        create(WAD / 2, Denom::gusd(), Collateral::Token { denom: Denom::ghr(), feed: "no.such".into() }),
    );
    assert_eq!(code(&e), ("lending", 14), "{e}");
    create_market(&mut node, ghr.clone(), WAD / 2);
    let e = node.expect_rejected(&carol, create(WAD / 2, Denom::gusd(), ghr));
    assert_eq!(code(&e), ("lending", 5), "{e}");
}

#[test]
fn app_can_liquidate_after_a_price_drop_and_realise_bad_debt() {
    let mut node = TestNode::with_genesis(&genesis());
    let m = token_market(&mut node);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::SupplyCollateral { market: m, amount: 1_000_000_000 }))).unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: 380_000_000 }))).unwrap();
    let carol = TestNode::key("carol");
    let e = node.expect_rejected(
        &carol,
        act(LendingAction::Liquidate { market: m, borrower: addr("dave"), repay: 1, serial: None }),
    );
    assert_eq!(code(&e), ("lending", 13), "a healthy position cannot be liquidated: {e}");

    // GHR falls 10 %: 1,000 GHR now secure 346.5 gUSD, below the debt.
    node.advance(60);
    report(&mut node, HALF * 9 / 10);
    assert!(view(&node, m, "dave").liquidatable);
    let record = node
        .deliver(node.tx(
            &carol,
            act(LendingAction::Liquidate { market: m, borrower: addr("dave"), repay: 100_000_000, serial: None }),
        ))
        .unwrap();
    let (repaid, seized) = LendingEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            LendingEvent::Liquidated { repaid, seized, .. } => Some((repaid, seized)),
            _ => None,
        })
        .expect("a liquidation event");
    // 100 gUSD repaid at 0.45 with the 77 % market's incentive (~7.4 %): ~238.7 GHR.
    let incentive = greenhour_lending::math::incentive_factor_wad(LLTV);
    assert_eq!(repaid, 100_000_000);
    assert_eq!(seized, (100_000_000 * incentive / WAD) * WAD / (WAD * 45 / 100));
    assert_eq!(view(&node, m, "dave").position.collateral, 1_000_000_000 - seized);

    // GHR collapses: taking all the collateral leaves debt, written off against bob.
    node.advance(60);
    report(&mut node, HALF / 10);
    let supply_before =
        greenhour_lending::query::market(&node.app.snapshot().unwrap(), m, node.app.latest_header().unwrap().time)
            .unwrap()
            .totals
            .supply_assets;
    let record = node
        .deliver(node.tx(
            &carol,
            act(LendingAction::Liquidate { market: m, borrower: addr("dave"), repay: u128::MAX, serial: None }),
        ))
        .unwrap();
    let bad = LendingEvent::all_in(&record.events).into_iter().find_map(|e| match e {
        LendingEvent::BadDebt { assets, .. } => Some(assets),
        _ => None,
    });
    let bad = bad.expect("bad debt realised");
    let after =
        greenhour_lending::query::market(&node.app.snapshot().unwrap(), m, node.app.latest_header().unwrap().time)
            .unwrap();
    assert!(after.totals.supply_assets < supply_before, "suppliers carry the loss");
    assert_eq!(after.totals.bad_debt, bad);
    assert!(view(&node, m, "dave").position.is_empty());
}

#[test]
fn rejects_borrowing_on_a_stale_price_but_lets_repayment_through() {
    let mut node = TestNode::with_genesis(&genesis());
    let m = token_market(&mut node);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::SupplyCollateral { market: m, amount: 1_000_000_000 }))).unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: 100_000_000 }))).unwrap();
    node.advance(3_700);
    node.produce_block(vec![]);
    let e = node.expect_rejected(&dave, act(LendingAction::Borrow { market: m, assets: 1 }));
    assert_eq!(code(&e), ("lending", 14), "{e}");
    let e = node.expect_rejected(&dave, act(LendingAction::WithdrawCollateral { market: m, amount: 1 }));
    assert_eq!(code(&e), ("lending", 14), "{e}");
    // Nothing is liquidated on a price nobody trusts, either.
    node.advance(60);
    node.produce_block(vec![]);
    let e = node.expect_rejected(
        &TestNode::key("carol"),
        act(LendingAction::Liquidate { market: m, borrower: addr("dave"), repay: 1, serial: None }),
    );
    assert_eq!(code(&e), ("lending", 14), "{e}");
    node.deliver(node.tx(&dave, act(LendingAction::Repay { market: m, amount: Size::Assets(50_000_000) }))).unwrap();
    assert!(view(&node, m, "dave").price_error.is_some());
}

#[test]
fn rejects_borrowing_when_the_feeds_reporters_disagree() {
    let mut g = genesis();
    g.oracle.feeds[0].quorum = 2;
    let mut node = TestNode::with_genesis(&g);
    // Alice says 0.5, bob says 0.75: the published median's round spans 40 %, above the 20 % allowed.
    for (who, value) in [("alice", HALF), ("bob", HALF * 3 / 2)] {
        let a = greenhour_app::AppAction::Oracle(greenhour_oracle::OracleAction::Submit {
            feed: FEED.into(),
            round: 0,
            value,
        });
        node.deliver(node.tx(&TestNode::key(who), vec![a])).unwrap();
    }
    let m = create_market(&mut node, Collateral::Token { denom: Denom::ghr(), feed: FEED.into() }, LLTV);
    node.deliver(node.tx(&TestNode::key("bob"), act(LendingAction::Supply { market: m, assets: 1_000_000_000 })))
        .unwrap();
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::SupplyCollateral { market: m, amount: 1_000_000_000 }))).unwrap();
    let e = node.expect_rejected(&dave, act(LendingAction::Borrow { market: m, assets: 1 }));
    assert_eq!(code(&e), ("lending", 14), "{e}");
    assert!(e.message.contains("disagree"), "{e}");
}

#[test]
fn app_can_borrow_against_a_position_nft_whose_income_repays_the_loan() {
    let mut node = TestNode::new();
    let (m, serial) = position_market(&mut node, 12);
    let dave = TestNode::key("dave");
    // What the NFT will secure, read before pledging it.
    let now = node.app.latest_header().unwrap().time;
    let quote = greenhour_lending::query::nft_value(&node.app.snapshot().unwrap(), m, serial, now).unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Pledge { market: m, serial }))).unwrap();
    let escrow = greenhour_lending::api::escrow(serial);
    assert_eq!(greenhour_pools::api::position_holder(&node.app.snapshot().unwrap(), serial).unwrap(), Some(escrow));
    let v = view(&node, m, "dave");
    assert_eq!(v.pledged.len(), 1);
    assert!(v.pledged[0].units == 24 && v.pledged[0].value > 0, "{v:?}");
    let limit = v.borrow_limit.unwrap();
    assert!(limit > 0 && limit < v.pledged[0].value, "{v:?}");
    assert_eq!(
        (quote.value, quote.units),
        (v.pledged[0].value, v.pledged[0].units),
        "the preview is what the pledge secures"
    );
    assert_eq!(limit, quote.value * quote.lltv_wad / WAD);
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: limit / 2 }))).unwrap();
    let e = node.expect_rejected(&dave, act(LendingAction::Borrow { market: m, assets: limit }));
    assert_eq!(code(&e), ("lending", 12), "{e}");
    let e = node.expect_rejected(&dave, act(LendingAction::Release { market: m, serial }));
    assert_eq!(code(&e), ("lending", 12), "the NFT cannot leave while it secures the loan: {e}");

    // The NFT earns (a settlement pays its holder: the escrow); at the hour the
    // income repays the loan first and the rest goes to dave.
    let debt = view(&node, m, "dave").debt;
    let income = debt + 5_000;
    node.deliver(node.send("bob", &escrow, Coin::new(Denom::gusd(), income))).unwrap();
    let before = gusd(&node, "dave");
    node.advance(3_600);
    let outcome = node.produce_block(vec![]);
    let applied = LendingEvent::all_in(&outcome.block_events);
    assert!(
        applied.iter().any(|e| matches!(e, LendingEvent::IncomeApplied { serial: s, .. } if *s == serial)),
        "{applied:?}"
    );
    assert_eq!(view(&node, m, "dave").debt, 0, "the income cleared the debt");
    let forwarded = gusd(&node, "dave") - before;
    assert!(forwarded > 0 && forwarded <= 5_000, "the rest went to dave: {forwarded}");
    node.deliver(node.tx(&dave, act(LendingAction::Release { market: m, serial }))).unwrap();
    assert_eq!(
        greenhour_pools::api::position_holder(&node.app.snapshot().unwrap(), serial).unwrap(),
        Some(addr("dave"))
    );
}

#[test]
fn app_can_repay_a_loan_from_the_slot_sales_of_the_pledged_position() {
    let mut node = TestNode::new();
    let (m, serial) = position_market(&mut node, 12);
    let dave = TestNode::key("dave");
    // dave puts two of his slots of SLOT_HOUR into its market pool, then pledges the
    // NFT and borrows: the LP shares stay with the position.
    let provide = greenhour_pools::PoolsAction::Provide {
        position: serial,
        hour: SLOT_HOUR,
        quantity: 2,
        max_quote: 10_000_000,
        min_shares: 0,
        deadline: u64::MAX,
    };
    node.deliver(node.tx(&dave, vec![greenhour_app::AppAction::Pools(provide)])).unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Pledge { market: m, serial }))).unwrap();
    let limit = view(&node, m, "dave").borrow_limit.unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: limit / 10 }))).unwrap();
    // bob buys a slot of that hour from the pool dave's position is in.
    let buy = greenhour_market::MarketAction::Swap {
        slot: slot(),
        buy_slots: true,
        exact: greenhour_market::Exact::Out(1),
        limit: u128::MAX,
        deadline: u64::MAX,
    };
    node.deliver(node.tx(&TestNode::key("bob"), vec![greenhour_app::AppAction::Market(buy)])).unwrap();
    let debt = view(&node, m, "dave").debt;
    // The hour ends: the pools sweep pays the position's LP quote to the NFT holder
    // (the escrow), and the lending sweep applies it to the loan.
    let escrow = greenhour_lending::api::escrow(serial);
    let device = greenhour_pools::api::position(&node.app.snapshot().unwrap(), serial).unwrap().device;
    let (mut settled, mut repaid) = (0u128, 0u128);
    let mut reported = greenhour_testkit::supply::GENESIS_HOUR;
    while node.now() < (SLOT_HOUR + 2) * 3_600 {
        // dave's device keeps reporting, so its pool keeps it (a silent one would leave).
        while (reported + 1) * 3_600 <= node.now() {
            greenhour_testkit::supply::report_hour(&mut node, "dave", "dave-dev", device, reported);
            reported += 1;
        }
        node.advance(1_800);
        let outcome = node.produce_block(vec![]);
        for e in greenhour_pools::PoolsEvent::all_in(&outcome.block_events) {
            if let greenhour_pools::PoolsEvent::Withdrew { position, owner, quote, .. } = e {
                if position == serial && owner == escrow {
                    settled += quote;
                }
            }
        }
        for e in LendingEvent::all_in(&outcome.block_events) {
            if let LendingEvent::IncomeApplied { serial: s, repaid: r, .. } = e {
                if s == serial {
                    repaid += r;
                }
            }
        }
    }
    assert!(settled > 0, "the ended hour's LP quote was paid to the escrow");
    assert!(repaid > 0 && repaid <= settled, "it repaid the loan: {repaid} of {settled}");
    assert!(view(&node, m, "dave").debt < debt + 1_000, "the debt fell by the income (less interest)");
}

#[test]
fn app_can_provide_a_pledged_positions_slots_through_lending_but_not_past_health() {
    let mut node = TestNode::new();
    let (m, serial) = position_market(&mut node, 12);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::Pledge { market: m, serial }))).unwrap();
    let limit = view(&node, m, "dave").borrow_limit.unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: limit * 95 / 100 }))).unwrap();
    let provide = |quantity: u32| LendingAction::Provide {
        market: m,
        serial,
        hour: SLOT_HOUR,
        quantity,
        max_quote: 10_000_000,
        min_shares: 0,
    };
    // Slots in the market no longer secure the loan: at 95 % of the limit, two of
    // the position's 24 GPU-hours are too many.
    let e = node.expect_rejected(&dave, act(provide(2)));
    assert_eq!(code(&e), ("lending", 12), "{e}");
    // Only the borrower of the pledge may provide, and only in its market.
    let e = node.expect_rejected(&TestNode::key("bob"), act(provide(1)));
    assert_eq!(code(&e), ("lending", 16), "{e}");
    let elsewhere = LendingAction::Provide {
        market: MarketId(99),
        serial,
        hour: SLOT_HOUR,
        quantity: 1,
        max_quote: 10_000_000,
        min_shares: 0,
    };
    let e = node.expect_rejected(&dave, act(elsewhere));
    assert_eq!(code(&e), ("lending", 1), "no such market: {e}");
    // With the loan halved it goes through: the LP shares stay with the position.
    node.deliver(node.tx(&dave, act(LendingAction::Repay { market: m, amount: Size::Assets(limit / 2) }))).unwrap();
    let before = view(&node, m, "dave").pledged[0].units;
    node.deliver(node.tx(&dave, act(provide(2)))).unwrap();
    assert_eq!(view(&node, m, "dave").pledged[0].units, before - 2, "the provided slots left the valuation");
    use greenhour_state::StateRead;
    let lp = greenhour_pools::keys::position_lp(serial, SLOT_HOUR);
    assert!(node.app.snapshot().unwrap().get(&lp).unwrap().is_some(), "the position holds the LP shares");
}

#[test]
fn rejects_pledging_a_position_that_is_not_the_signers() {
    let mut node = TestNode::new();
    let (m, serial) = position_market(&mut node, 12);
    let e = node.expect_rejected(&TestNode::key("bob"), act(LendingAction::Pledge { market: m, serial }));
    assert_eq!(code(&e), ("lending", 15), "{e}");
    let e = node.expect_rejected(&TestNode::key("dave"), act(LendingAction::SupplyCollateral { market: m, amount: 5 }));
    assert_eq!(code(&e), ("lending", 9), "{e}");
    node.deliver(node.tx(&TestNode::key("dave"), act(LendingAction::Pledge { market: m, serial }))).unwrap();
    let e = node.expect_rejected(&TestNode::key("dave"), act(LendingAction::Pledge { market: m, serial }));
    assert_eq!(code(&e), ("lending", 15), "pledged twice: {e}");
}

#[test]
fn app_can_liquidate_a_position_nft_by_time_alone() {
    let mut node = TestNode::new();
    let (m, serial) = position_market(&mut node, 3);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::Pledge { market: m, serial }))).unwrap();
    let limit = view(&node, m, "dave").borrow_limit.unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: limit * 9 / 10 }))).unwrap();
    assert!(!view(&node, m, "dave").liquidatable);
    // No price moved: an hour passing shrinks both the hours left and the LLTV.
    node.advance(3_600);
    node.produce_block(vec![]);
    let v = view(&node, m, "dave");
    assert!(v.liquidatable, "time alone made the loan liquidatable: {v:?}");
    let bob_before = gusd(&node, "bob");
    node.deliver(node.tx(
        &TestNode::key("bob"),
        act(LendingAction::Liquidate { market: m, borrower: addr("dave"), repay: 0, serial: Some(serial) }),
    ))
    .unwrap();
    assert_eq!(
        greenhour_pools::api::position_holder(&node.app.snapshot().unwrap(), serial).unwrap(),
        Some(addr("bob"))
    );
    assert!(gusd(&node, "bob") < bob_before, "the liquidator paid for the NFT");
    assert!(view(&node, m, "dave").position.pledged.is_empty());
}

#[test]
fn rejects_borrowing_while_the_index_jumps_away_from_its_window() {
    let mut node = TestNode::new();
    let (m, serial) = position_market(&mut node, 12);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::Pledge { market: m, serial }))).unwrap();
    assert!(view(&node, m, "dave").borrow_limit.is_some(), "one fill: the hour's price is the window's");
    // An hour later alice sells another hour's slots at ten times the floor and
    // bob buys one: this hour's index price is far from the window's average.
    node.advance(3_600);
    let snap = node.app.snapshot().unwrap();
    let pool = greenhour_pools::query::pools(&snap, 10).unwrap()[0].id;
    let device = greenhour_devices::query::devices(&snap, Some(&addr("alice")), None, 10).unwrap()[0].id;
    let hour = SLOT_HOUR + 1;
    let position = greenhour_testkit::supply::pledge(&mut node, "alice", pool, device, hour, 1, 2);
    let release = greenhour_pools::PoolsAction::Release { position, hour, quantity: 2 };
    node.deliver(node.tx(&TestNode::key("alice"), vec![greenhour_app::AppAction::Pools(release)])).unwrap();
    let dear = greenhour_pools::state::slot_denom(
        greenhour_pools::SlotUnit::GpuHour,
        greenhour_devices::DeviceClass::Home,
        hour,
    );
    let market = |a: greenhour_market::MarketAction| vec![greenhour_app::AppAction::Market(a)];
    let create = greenhour_market::MarketAction::Create {
        slot: dear.clone(),
        quote: Denom::gusd(),
        floor_wad: 5_000_000 * WAD,
        half_life: 3_600,
        decay_window: 4 * 3_600,
    };
    node.deliver(node.tx(&TestNode::key("carol"), market(create))).unwrap();
    let add = greenhour_market::MarketAction::AddLiquidity {
        slot: dear.clone(),
        max_slots: 2,
        max_quote: 40_000_000,
        min_shares: 0,
        deadline: u64::MAX,
    };
    node.deliver(node.tx(&TestNode::key("alice"), market(add))).unwrap();
    let buy = greenhour_market::MarketAction::Swap {
        slot: dear,
        buy_slots: true,
        exact: greenhour_market::Exact::Out(1),
        limit: u128::MAX,
        deadline: u64::MAX,
    };
    node.deliver(node.tx(&TestNode::key("bob"), market(buy))).unwrap();
    let e = node.expect_rejected(&dave, act(LendingAction::Borrow { market: m, assets: 1 }));
    assert_eq!(code(&e), ("lending", 14), "{e}");
    assert!(e.message.contains("moved more than"), "{e}");
}
