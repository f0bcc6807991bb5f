//! gUSD scenarios through the whole app (invariants checked after every block):
//! vaults, interest, redemptions in rate order, liquidations into the stability
//! pool and by redistribution, and every refusal leaving state unchanged.

mod common;

use common::*;
use greenhour_primitives::Denom;
use greenhour_stable::math::WAD;
use greenhour_stable::{StableAction, VaultId};
use greenhour_testkit::TestNode;

#[test]
fn app_can_open_a_vault_mint_repay_and_close_it() {
    let mut node = node();
    let (gusd0, ghr0) = (gusd(&node, "carol"), ghr(&node, "carol"));
    let id = open(&mut node, "carol", GHR_1000, 2 * GUSD_100, 500);
    assert_eq!(gusd(&node, "carol"), gusd0 + 2 * GUSD_100);
    assert!((ghr0 - GHR_1000).abs_diff(ghr(&node, "carol")) < 10_000, "1,000 GHR locked (and a transaction fee)");
    let v = view(&node, id);
    assert_eq!(v.ratio_bps, Some(25_000), "500 gUSD of GHR against 200 gUSD");
    run(&mut node, "carol", StableAction::Mint { vault: id, amount: GUSD_100 }).unwrap();
    run(&mut node, "carol", StableAction::Repay { vault: id, amount: GUSD_100 / 2 }).unwrap();
    run(&mut node, "carol", StableAction::Withdraw { vault: id, amount: GHR_1000 / 5 }).unwrap();
    // A year later the debt carries 5 % interest, minted to the treasury (the pool is empty).
    node.advance(31_536_000);
    node.produce_block(vec![]);
    let owed = view(&node, id).vault.debt;
    assert!(owed.abs_diff(250_000_000 + 12_500_000) < 1_000, "250 gUSD at 5 % for a year: {owed}");
    let supply_before = reserve(&node).supply;
    report(&mut node, HALF);
    run(&mut node, "carol", StableAction::Close { vault: id }).unwrap();
    assert!(ghr0 - ghr(&node, "carol") < 100_000, "every GHR back, less transaction fees");
    // Closing a block later accrued a few more seconds: the treasury holds all of it.
    let interest = node.balance(&greenhour_stable::api::treasury(), &Denom::gusd());
    assert!(interest.abs_diff(owed - 250_000_000) < 100);
    assert_eq!(gusd(&node, "carol"), gusd0 - interest, "the interest is what the vault cost");
    let r = reserve(&node);
    assert_eq!(r.vault_debt, 0, "no vault, no vault debt: supply is back to the legacy gUSD");
    assert_eq!(r.supply, r.legacy_supply, "every gUSD the vault minted, interest included, was burned");
    assert!(r.supply < supply_before);
}

#[test]
fn rejects_bad_vault_actions_and_changes_nothing() {
    let mut node = node();
    let id = open(&mut node, "carol", GHR_1000, 2 * GUSD_100, 500);
    let carol = TestNode::key("carol");
    let dave = TestNode::key("dave");
    let cases: Vec<(&greenhour_crypto::SecretKey, StableAction, (&str, u32), &str)> = vec![
        (
            &carol,
            StableAction::Open { denom: Denom::gusd(), collateral: 1, debt: GUSD_100, rate_bps: 500 },
            ("stable", 2),
            "gUSD is no collateral",
        ),
        (
            &carol,
            StableAction::Open { denom: Denom::ghr(), collateral: GHR_1000, debt: GUSD_100 / 2, rate_bps: 500 },
            ("stable", 7),
            "below the minimum debt",
        ),
        (
            &carol,
            StableAction::Open { denom: Denom::ghr(), collateral: GHR_1000, debt: 4 * GUSD_100, rate_bps: 500 },
            ("stable", 10),
            "past 150 %",
        ),
        (
            &carol,
            StableAction::Open { denom: Denom::ghr(), collateral: GHR_1000, debt: GUSD_100, rate_bps: 10 },
            ("stable", 6),
            "rate below the floor",
        ),
        (
            &carol,
            StableAction::Open { denom: Denom::ghr(), collateral: 0, debt: GUSD_100, rate_bps: 500 },
            ("stable", 4),
            "zero collateral",
        ),
        (
            &carol,
            StableAction::Open {
                denom: Denom::ghr(),
                collateral: 1_000_000_000_000_000_000,
                debt: GUSD_100,
                rate_bps: 500,
            },
            ("stable", 20),
            "more GHR than carol holds",
        ),
        (&dave, StableAction::Mint { vault: id, amount: GUSD_100 }, ("stable", 3), "not dave's vault"),
        (&carol, StableAction::Mint { vault: id, amount: 2 * GUSD_100 }, ("stable", 10), "minting past the ratio"),
        (&carol, StableAction::Withdraw { vault: id, amount: GHR_1000 }, ("stable", 10), "taking all collateral"),
        (&carol, StableAction::Withdraw { vault: id, amount: GHR_1000 + 1 }, ("stable", 9), "more than it holds"),
        (
            &carol,
            StableAction::Repay { vault: id, amount: 2 * GUSD_100 },
            ("stable", 7),
            "repaying below the minimum: close instead",
        ),
        (&carol, StableAction::Repay { vault: id, amount: u128::MAX }, ("stable", 9), "repaying more than owed"),
        (&carol, StableAction::Mint { vault: VaultId(99), amount: GUSD_100 }, ("stable", 1), "no such vault"),
        (&carol, StableAction::Liquidate { vault: id }, ("stable", 11), "a healthy vault"),
        (
            &carol,
            StableAction::Redeem { denom: Denom::ghr(), amount: u128::MAX / 2, max_fee_bps: 10_000 },
            ("stable", 13),
            "more than the branch owes",
        ),
        (
            &carol,
            StableAction::Redeem { denom: Denom::ghr(), amount: GUSD_100, max_fee_bps: 10 },
            ("stable", 14),
            "a fee above the limit",
        ),
        (&carol, StableAction::PoolWithdraw { amount: 1 }, ("stable", 17), "no deposit"),
        (&carol, StableAction::PoolWithdraw { amount: 0 }, ("stable", 17), "no deposit, nothing to collect"),
    ];
    for (key, action, expected, why) in cases {
        assert_eq!(code(&node.expect_rejected(key, act(action))), expected, "{why}");
    }
    // A stale price freezes minting but lets repayments through.
    node.advance(3_601);
    node.produce_block(vec![]);
    assert_eq!(code(&node.expect_rejected(&carol, act(StableAction::Mint { vault: id, amount: 1 }))), ("stable", 12));
    run(&mut node, "carol", StableAction::Repay { vault: id, amount: 1_000 }).unwrap();
    // A feed reporting zero is no price either (oracle `NotAPrice`), and freezes the same way.
    report(&mut node, 0);
    let frozen = node.expect_rejected(&carol, act(StableAction::Mint { vault: id, amount: 1 }));
    assert_eq!(code(&frozen), ("stable", 12));
    assert!(frozen.message.contains("not a price"), "{}", frozen.message);
}

#[test]
fn app_can_redeem_against_the_lowest_rate_vaults_first() {
    let mut node = node();
    let cheap = open(&mut node, "carol", GHR_1000, 2 * GUSD_100, 100);
    let dear = open(&mut node, "dave", GHR_1000, 2 * GUSD_100, 1_500);
    let middle = open(&mut node, "bob", GHR_1000, 2 * GUSD_100, 600);
    let order: Vec<VaultId> =
        greenhour_stable::query::redemption_order(&node.app.snapshot().unwrap(), &Denom::ghr(), now(&node), 10)
            .unwrap()
            .into_iter()
            .map(|v| v.vault.id)
            .collect();
    assert_eq!(order, vec![cheap, middle, dear]);
    // alice redeems 300 gUSD: all of carol's 200 (plus its few seconds of interest), then bob's.
    let (gusd0, ghr0) = (gusd(&node, "alice"), ghr(&node, "alice"));
    let fee_bps = reserve(&node).redemption_fee_bps;
    assert!(fee_bps >= 50, "the floor is 0.5 %");
    run(&mut node, "alice", StableAction::Redeem { denom: Denom::ghr(), amount: 3 * GUSD_100, max_fee_bps: 500 })
        .unwrap();
    assert_eq!(gusd(&node, "alice"), gusd0 - 3 * GUSD_100);
    let got = ghr(&node, "alice") - ghr0;
    // 300 gUSD at ½ gUSD per GHR is 600 GHR gross; the fee (0.5 % + the base rate) stays with the vaults.
    assert!(got < 600_000_000 && got > 590_000_000, "received {got} ughr");
    assert!(view(&node, cheap).vault.debt < 1_000, "the cheapest vault is redeemed first");
    assert!(view(&node, middle).vault.debt > GUSD_100 - 1_000);
    assert!(view(&node, dear).vault.debt < 2 * GUSD_100 + 1_000, "the dearest untouched (but for seconds of interest)");
    assert!(view(&node, cheap).vault.collateral > GHR_1000 - 400_000_000, "the fee stayed in the vault");
    // The base rate rose by 300 / supply / 2, and it halves every 12 hours.
    let base = |node: &TestNode| greenhour_stable::state::redemptions(&node.app.snapshot().unwrap()).unwrap();
    let supply = reserve(&node).supply + 3 * GUSD_100;
    let expected = 3 * GUSD_100 * WAD / supply / 2;
    assert!(
        base(&node).base_rate_wad.abs_diff(expected) <= expected / 1_000_000,
        "{} vs {expected}",
        base(&node).base_rate_wad
    );
    let decayed = greenhour_stable::math::decayed_base_rate(base(&node).base_rate_wad, 720);
    assert!(decayed.abs_diff(expected / 2) < expected / 1_000);
}

#[test]
fn app_can_liquidate_into_the_stability_pool_and_pay_depositors_the_collateral() {
    let mut node = node();
    let weak = open(&mut node, "carol", GHR_1000, 3 * GUSD_100, 500);
    let _strong = open(&mut node, "dave", 4 * GHR_1000, 2 * GUSD_100, 500);
    run(&mut node, "bob", StableAction::PoolDeposit { amount: 5 * GUSD_100 }).unwrap();
    // GHR falls 20 %: carol's vault is at 133 %, below 150 %.
    report(&mut node, HALF / 10 * 8);
    assert!(view(&node, weak).liquidatable);
    let (alice_ghr, carol_ghr) = (ghr(&node, "alice"), ghr(&node, "carol"));
    let supply = reserve(&node).supply;
    run(&mut node, "alice", StableAction::Liquidate { vault: weak }).unwrap();
    let debt = 3 * GUSD_100; // plus seconds of interest, paid into the pool first
    assert!(reserve(&node).supply <= supply - debt + 1_000, "the pool burned the debt");
    let reward = ghr(&node, "alice") + 10_000 - alice_ghr;
    assert!(
        reward.abs_diff(GHR_1000 / 200 + 10_000) < 10_000,
        "0.5 % of the collateral to the liquidator, less its fee: {reward}"
    );
    // The pool takes the debt's worth + 5 % at 0.4 gUSD per GHR (≈ 787.5 GHR); carol keeps the rest.
    let d = greenhour_stable::query::deposit(&node.app.snapshot().unwrap(), &addr("bob")).unwrap();
    let gain = d.gains.iter().find(|g| g.denom == Denom::ghr()).map_or(0, |g| g.amount);
    assert!(gain > 787_000_000 && gain < 788_000_000, "bob's gain {gain}");
    assert!(d.gusd < 2 * GUSD_100 + 1_000 && d.gusd > 2 * GUSD_100 - 1_000, "bob's deposit now {}", d.gusd);
    let surplus = ghr(&node, "carol") - carol_ghr;
    assert!(surplus > 200_000_000 && surplus < 210_000_000, "carol's surplus {surplus}");
    // bob collects the collateral and what is left of his gUSD.
    let bob_ghr = ghr(&node, "bob");
    run(&mut node, "bob", StableAction::PoolWithdraw { amount: d.gusd }).unwrap();
    assert!(ghr(&node, "bob") + 10_000 - bob_ghr >= gain, "the gain paid (less a fee)");
    assert!(greenhour_stable::state::deposit(&node.app.snapshot().unwrap(), &addr("bob")).unwrap().is_none());
}

#[test]
fn app_can_redistribute_a_liquidation_when_the_pool_is_empty() {
    let mut node = node();
    let weak = open(&mut node, "carol", GHR_1000, 3 * GUSD_100, 500);
    let a = open(&mut node, "dave", 4 * GHR_1000, 2 * GUSD_100, 500);
    let b = open(&mut node, "bob", 4 * GHR_1000, 2 * GUSD_100, 500);
    report(&mut node, HALF / 10 * 8);
    let supply = reserve(&node).supply;
    run(&mut node, "alice", StableAction::Liquidate { vault: weak }).unwrap();
    assert!(
        reserve(&node).supply.abs_diff(supply) < 1_000,
        "redistribution moves debt, it burns none (seconds of interest)"
    );
    // Each of the two equal vaults takes half the debt and half the seized collateral.
    let (va, vb) = (view(&node, a).vault, view(&node, b).vault);
    assert!(va.debt.abs_diff(vb.debt) < 1_000, "{} vs {}", va.debt, vb.debt);
    assert!(va.debt > 2 * GUSD_100 + 150_000_000 - 1_000, "dave's vault took half: {}", va.debt);
    assert!(va.collateral > 4 * GHR_1000 + 400_000_000, "and collateral worth more than the debt: {}", va.collateral);
    // The last vault of a branch cannot be liquidated with nothing to absorb it.
    run(&mut node, "bob", StableAction::Close { vault: b }).unwrap();
    report(&mut node, HALF / 100);
    assert!(view(&node, a).liquidatable);
    let refused = node.expect_rejected(&TestNode::key("alice"), act(StableAction::Liquidate { vault: a }));
    assert_eq!(code(&refused), ("stable", 16));
}

#[test]
fn app_can_pay_interest_to_stability_pool_depositors() {
    let mut node = node();
    run(&mut node, "bob", StableAction::PoolDeposit { amount: GUSD_100 }).unwrap();
    let id = open(&mut node, "carol", 10 * GHR_1000, 10 * GUSD_100, 1_000);
    node.advance(31_536_000 / 12);
    report(&mut node, HALF);
    run(&mut node, "carol", StableAction::SetRate { vault: id, rate_bps: 200 }).unwrap();
    let d = greenhour_stable::query::deposit(&node.app.snapshot().unwrap(), &addr("bob")).unwrap();
    // A month of 10 % on 1,000 gUSD is about 8.33 gUSD, all to the only depositor.
    assert!(d.gusd > GUSD_100 + 8_300_000 && d.gusd < GUSD_100 + 8_400_000, "{}", d.gusd);
    assert_eq!(view(&node, id).vault.rate_bps, 200);
}

#[test]
fn a_seeded_liquidation_run_gives_the_same_app_hash_twice() {
    let run_once = || {
        let mut node = node();
        for (i, who) in ["carol", "dave", "bob"].iter().enumerate() {
            open(&mut node, who, GHR_1000 * (i as u128 + 1), 2 * GUSD_100, 100 * (i as u32 + 1));
        }
        run(&mut node, "alice", StableAction::PoolDeposit { amount: GUSD_100 }).unwrap();
        report(&mut node, HALF / 2);
        run(&mut node, "alice", StableAction::Liquidate { vault: VaultId(1) }).unwrap();
        run(&mut node, "alice", StableAction::Redeem { denom: Denom::ghr(), amount: GUSD_100, max_fee_bps: 10_000 })
            .unwrap();
        node.app_hash()
    };
    assert_eq!(run_once(), run_once());
    let _ = WAD;
}
