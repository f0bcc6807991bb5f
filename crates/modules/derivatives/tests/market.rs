//! The derivatives market over a scripted index (fills recorded straight into the
//! index module, so the price path is the test's): a hedger's future offsets the
//! spot move, options are written, bought and settled, the perpetual charges
//! funding, liquidation returns what equity is left, and every refusal carries its
//! `(module, code)` and changes nothing. Invariants are checked after every step,
//! and random trades over random price paths stay zero-sum.

use greenhour_bank::{Bank, BankGenesis, GenesisBalance};
use greenhour_derivatives::query::{self, AccountView};
use greenhour_derivatives::state::Underlying;
use greenhour_derivatives::{
    Derivatives, DerivativesAction, DerivativesError, DerivativesEvent, Instrument, Leg, Right, SeriesId, Side,
};
use greenhour_framework::{Action, BlockCtx, CodedError, Module, SignatureCache, TxCtx};
use greenhour_index::{Index, IndexGenesis};
use greenhour_primitives::{Address, ChainId, Coin, Denom, Hash};
use greenhour_state::{BlockOverlay, StateRead, TxOverlay};
use greenhour_testkit::TestNode;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

const GUSD: u128 = 1_000_000;
const HOUR: u64 = 3_600;
/// 2026-06-01T00:00:00Z: day 20,605 starts here.
const START: u64 = 1_780_272_000;
const NAMES: [&str; 4] = ["alice", "bob", "carol", "dave"];
const FUNDS: u128 = 10_000 * GUSD;

type Memory = BTreeMap<Vec<u8>, Vec<u8>>;

struct Chain {
    state: BlockOverlay<Memory>,
    now: u64,
    height: u64,
}

fn addr(name: &str) -> Address {
    TestNode::addr(name)
}

impl Chain {
    fn new() -> Chain {
        Chain::with_params(Default::default())
    }

    fn with_params(params: greenhour_derivatives::DerivativesParams) -> Chain {
        let mut state = BlockOverlay::new(Memory::new());
        let balances = NAMES
            .iter()
            .map(|n| GenesisBalance { address: addr(n), coins: vec![Coin::new(Denom::gusd(), FUNDS)] })
            .collect();
        Bank::init_genesis(&mut state, &BankGenesis { balances, ..BankGenesis::default() }).unwrap();
        // A one-hour index window: the mark follows the scripted price hour by hour.
        let index = IndexGenesis { params: greenhour_index::IndexParams { window_hours: 1, max_age: 86_400 } };
        Index::init_genesis(&mut state, &index).unwrap();
        let genesis = greenhour_derivatives::DerivativesGenesis { params, ..Default::default() };
        Derivatives::init_genesis(&mut state, &genesis).unwrap();
        Chain { state, now: START, height: 1 }
    }

    fn ctx(&self) -> BlockCtx {
        BlockCtx {
            chain_id: ChainId::new("derivatives-test").unwrap(),
            height: self.height,
            time: self.now,
            beacon: Hash::digest(b"test"),
            last_commit_signers: None,
        }
    }

    /// One transaction: all of it or none of it, as the app runs it.
    fn act(&mut self, who: &str, action: DerivativesAction) -> Result<Vec<DerivativesEvent>, DerivativesError> {
        action.check()?;
        let tx = TxCtx {
            block: self.ctx(),
            signer: addr(who),
            tx_hash: Hash::digest(self.height.to_be_bytes()),
            signatures: Arc::new(SignatureCache::default()),
        };
        let before = self.state.changes().clone();
        let mut overlay = TxOverlay::new(&mut self.state);
        let result = action.execute(&mut overlay, &tx);
        let events = match result {
            Ok(()) => overlay.commit(),
            Err(e) => {
                drop(overlay);
                assert_eq!(self.state.changes(), &before, "a refused action changed nothing");
                return Err(e);
            }
        };
        Derivatives::check_invariants(&self.state).unwrap_or_else(|e| panic!("after {who}'s action: {e}"));
        Ok(DerivativesEvent::all_in(&events))
    }

    fn ok(&mut self, who: &str, action: DerivativesAction) -> Vec<DerivativesEvent> {
        self.act(who, action).unwrap_or_else(|e| panic!("{who}: {e}"))
    }

    /// The home index trades one GPU-hour at `price` ugusd now.
    fn fill(&mut self, price: u128) {
        let slot: Denom = format!("slot/home/{}", self.now / HOUR).parse().unwrap();
        greenhour_index::api::record_fill(&mut self.state, "home", &slot, &Denom::gusd(), 1, price, self.now).unwrap();
    }

    /// Moves to the next hour (a block there runs the hourly sweep); the index
    /// trades at `price` in it first when given.
    fn next_hour(&mut self, price: Option<u128>) -> Vec<DerivativesEvent> {
        self.now = (self.now / HOUR + 1) * HOUR + 60;
        self.height += 1;
        if let Some(p) = price {
            self.fill(p);
        }
        let ctx = self.ctx();
        Derivatives::begin_block(&mut self.state, &ctx).unwrap();
        Derivatives::check_invariants(&self.state).unwrap();
        DerivativesEvent::all_in(&self.state.take_events())
    }

    fn list(&mut self, instrument: Instrument) -> SeriesId {
        let events = self.ok("carol", DerivativesAction::List { instrument });
        match events.as_slice() {
            [DerivativesEvent::Listed { series, .. }] => *series,
            other => panic!("{other:?}"),
        }
    }

    fn account(&self, who: &str) -> AccountView {
        query::account(&self.state, &addr(who)).unwrap()
    }

    fn wallet(&self, who: &str) -> u128 {
        greenhour_bank::api::balance(&self.state, &addr(who), &Denom::gusd()).unwrap()
    }

    fn series(&self, id: SeriesId) -> greenhour_derivatives::Series {
        greenhour_derivatives::state::series(&self.state, id).unwrap()
    }
}

fn place(series: SeriesId, side: Side, size: u128, price: u128) -> DerivativesAction {
    DerivativesAction::Place { series, side, size, price, immediate_only: false }
}

fn deposit(amount: u128) -> DerivativesAction {
    DerivativesAction::Deposit { amount }
}

fn code(e: DerivativesError) -> (&'static str, u32) {
    (e.module(), e.code())
}

/// A chain whose home index trades at 0.5 gUSD, alice and carol with margin.
fn market() -> Chain {
    let mut c = Chain::new();
    c.fill(500_000);
    c.ok("alice", deposit(100 * GUSD));
    c.ok("carol", deposit(1_000 * GUSD));
    c
}

fn tomorrow(c: &Chain) -> u64 {
    c.now / 86_400 + 1
}

#[test]
fn app_can_hedge_tomorrows_gpu_hours_with_a_future_whose_pnl_offsets_the_spot_move() {
    let mut c = market();
    let day = tomorrow(&c);
    let future = c.list(Instrument::Future { class: "home".into(), day });
    c.ok("carol", place(future, Side::Sell, 24, 520_000));
    let fills = c.ok("alice", place(future, Side::Buy, 24, 550_000));
    assert!(fills.iter().any(|e| matches!(e, DerivativesEvent::Filled { size: 24, price: 520_000, .. })), "{fills:?}");
    // Until tomorrow the index stays; through tomorrow GPU-hours trade at 0.8 gUSD,
    // so alice's spot purchase of 24 GPU-hours costs 19.2 gUSD instead of 12.48.
    while c.now / HOUR + 1 < day * 24 {
        c.next_hour(Some(500_000));
    }
    let mut spot_cost = 0;
    let mut settled = None;
    while settled.is_none() {
        let during = (c.now / HOUR + 1) / 24 == day;
        let events = c.next_hour(during.then_some(800_000));
        if during {
            spot_cost += 800_000;
        }
        settled = events.into_iter().find_map(|e| match e {
            DerivativesEvent::Settled { series, price, fallback, .. } if series == future => Some((price, fallback)),
            _ => None,
        });
    }
    assert_eq!(settled, Some((800_000, false)), "the day's volume-weighted index");
    assert_eq!(spot_cost, 24 * 800_000);
    let a = c.account("alice");
    let pnl = 24 * (800_000 - 520_000) as i128;
    assert_eq!(a.positions[0].unrealised_pnl, pnl);
    // The hedge: spot cost less futures gain is the price locked in a day ahead.
    assert_eq!(spot_cost as i128 - pnl, 24 * 520_000);
    let fee = (24 * 520_000u128 * 5).div_ceil(10_000);
    let payout = 100 * GUSD + pnl as u128 - fee;
    c.ok("alice", DerivativesAction::Withdraw { amount: payout });
    assert_eq!(c.wallet("alice"), FUNDS + pnl as u128 - fee);
    assert_eq!(c.account("alice").cash, 0);
    assert_eq!(c.account("carol").equity, 1_000 * GUSD as i128 - pnl, "carol's loss is alice's gain");
    let err = c.act("alice", place(future, Side::Buy, 1, 800_000)).unwrap_err();
    assert_eq!(code(err), ("derivatives", 2), "expired series");
}

#[test]
fn app_can_write_buy_and_settle_index_options() {
    let mut c = market();
    let expiry = c.now / HOUR + 6;
    let call =
        c.list(Instrument::Option { class: "home".into(), expiry_hour: expiry, strike: 550_000, right: Right::Call });
    let put =
        c.list(Instrument::Option { class: "home".into(), expiry_hour: expiry, strike: 450_000, right: Right::Put });
    // carol writes 10 calls for 0.03 gUSD each and 10 puts for 0.02; alice buys both.
    c.ok("carol", place(call, Side::Sell, 10, 30_000));
    c.ok("carol", place(put, Side::Sell, 10, 20_000));
    c.ok("alice", place(call, Side::Buy, 10, 30_000));
    c.ok("alice", place(put, Side::Buy, 10, 20_000));
    let premiums = 10 * 30_000 + 10 * 20_000;
    // The written put is secured to a zero index (4.5 gUSD) less the premium received.
    assert!(c.account("carol").maintenance >= 10 * 450_000);
    // The index rises to 0.7 gUSD through the hours before expiry: the call pays
    // 0.15 a contract, the put nothing.
    let mut settled = BTreeMap::new();
    for _ in 0..8 {
        for e in c.next_hour(Some(700_000)) {
            if let DerivativesEvent::Settled { series, price, .. } = e {
                settled.insert(series, price);
            }
        }
    }
    assert_eq!(settled.get(&call), Some(&700_000));
    assert_eq!(settled.get(&put), Some(&700_000));
    let a = c.account("alice");
    let fees: u128 = (10 * 30_000u128 * 5).div_ceil(10_000) + (10 * 20_000u128 * 5).div_ceil(10_000);
    assert_eq!(a.equity, (100 * GUSD - fees) as i128 - premiums as i128 + 10 * 150_000);
    assert_eq!(a.maintenance, 0, "settled series carry no risk");
    assert_eq!(c.account("carol").equity, (1_000 * GUSD) as i128 + premiums as i128 - 10 * 150_000);
    let err = c.act("alice", place(call, Side::Buy, 1, 1)).unwrap_err();
    assert_eq!(code(err), ("derivatives", 2));
}

#[test]
fn app_can_charge_perpetual_funding_to_the_side_trading_rich() {
    let mut c = market();
    let perp = c.list(Instrument::Perp { class: "home".into() });
    c.ok("carol", place(perp, Side::Sell, 10, 550_000));
    c.ok("alice", place(perp, Side::Buy, 10, 550_000));
    // The perpetual traded 10 % over the index: the next hour longs pay a 24th of
    // the premium per contract, capped at 0.5 % of the index (2,500 ugusd).
    let events = c.next_hour(Some(500_000));
    let rate = events
        .iter()
        .find_map(|e| match e {
            DerivativesEvent::Marked { series, funding, .. } if *series == perp => Some(*funding),
            _ => None,
        })
        .unwrap();
    assert_eq!(rate, 50_000 / 24);
    assert_eq!(c.account("alice").positions[0].funding_owed, 10 * rate);
    assert_eq!(c.account("carol").positions[0].funding_owed, -10 * rate);
    // No trade in the hour after: no funding.
    let events = c.next_hour(Some(500_000));
    assert!(events.iter().any(|e| matches!(e, DerivativesEvent::Marked { series, funding: 0, .. } if *series == perp)));
    assert_eq!(c.series(perp).funding_index, rate);
}

#[test]
fn app_can_swap_the_index_total_return_for_a_fixed_rate_until_maturity() {
    let mut c = market();
    let maturity = c.now / HOUR + 5;
    let underlying = Underlying::Index { class: "home".into() };
    let swap = c.list(Instrument::Swap { underlying, leg: Leg::Fixed { rate_bps: 876 }, maturity_hour: maturity });
    // alice receives the index's return on 100 GPU-hours from 0.5 gUSD and pays
    // 8.76 % a year (0.1 bps an hour) on its value; carol the reverse.
    c.ok("carol", place(swap, Side::Sell, 100, 500_000));
    c.ok("alice", place(swap, Side::Buy, 100, 500_000));
    let mut fixed = Vec::new();
    let mut settled = None;
    while settled.is_none() {
        for e in c.next_hour(Some(600_000)) {
            match e {
                DerivativesEvent::Marked { series, funding, .. } if series == swap => fixed.push(funding),
                DerivativesEvent::Settled { series, price, .. } if series == swap => settled = Some(price),
                _ => {}
            }
        }
    }
    // 600,000 × 876 / (10,000 × 8,760) = 6 ugusd a contract for each hour to maturity, none after.
    assert_eq!(fixed, vec![6; 5], "five hours of the fixed leg");
    assert_eq!(settled, Some(600_000), "it closes at the mark at maturity");
    assert_eq!(c.series(swap).funding_index, 30);
    let fee = (100 * 500_000u128 * 5).div_ceil(10_000) as i128;
    let alice = c.account("alice");
    assert_eq!(alice.equity, 100 * GUSD as i128 - fee + 100 * 100_000 - 100 * 30);
    assert_eq!(c.account("carol").equity, 1_000 * GUSD as i128 - 100 * 100_000 + 100 * 30);
    let err = c.act("alice", place(swap, Side::Buy, 1, 600_000)).unwrap_err();
    assert_eq!(code(err), ("derivatives", 2), "a matured swap no longer trades");
}

#[test]
fn app_can_skip_a_maker_who_cannot_take_the_fill_and_fill_the_next_one() {
    // One position per account: carol's resting ask in the future outlives her
    // room for it once she holds the perpetual.
    let params = greenhour_derivatives::DerivativesParams { max_positions: 1, ..Default::default() };
    let mut c = Chain::with_params(params);
    c.fill(500_000);
    for (who, amount) in [("alice", 100), ("bob", 1_000), ("carol", 1_000), ("dave", 1_000)] {
        c.ok(who, deposit(amount * GUSD));
    }
    let future = c.list(Instrument::Future { class: "home".into(), day: tomorrow(&c) });
    let perp = c.list(Instrument::Perp { class: "home".into() });
    c.ok("carol", place(future, Side::Sell, 10, 500_000));
    c.ok("dave", place(future, Side::Sell, 10, 510_000));
    c.ok("bob", place(perp, Side::Buy, 5, 500_000));
    c.ok("carol", place(perp, Side::Sell, 5, 500_000));
    let events = c.ok("alice", place(future, Side::Buy, 10, 510_000));
    assert!(
        events.iter().any(|e| matches!(e, DerivativesEvent::Closed { reason, .. } if reason == "positions")),
        "carol's ask left the book: {events:?}"
    );
    assert!(
        events.iter().any(|e| matches!(e, DerivativesEvent::Filled { size: 10, price: 510_000, .. })),
        "dave's ask filled alice: {events:?}"
    );
    assert!(c.account("carol").orders.is_empty());
    assert_eq!(c.account("alice").positions[0].size, 10);
}

#[test]
fn app_can_liquidate_an_account_below_maintenance_and_return_what_equity_is_left() {
    let mut c = Chain::new();
    c.fill(500_000);
    c.ok("alice", deposit(20 * GUSD));
    c.ok("carol", deposit(1_000 * GUSD));
    c.ok("dave", deposit(1_000 * GUSD));
    let future = c.list(Instrument::Future { class: "home".into(), day: tomorrow(&c) + 1 });
    c.ok("carol", place(future, Side::Sell, 100, 500_000));
    // 100 contracts at 0.5 gUSD: maintenance 12.5 gUSD (a crash weighted at 25 %),
    // initial 15.625 within alice's 20 gUSD.
    c.ok("alice", place(future, Side::Buy, 100, 500_000));
    let err = c.act("dave", DerivativesAction::Liquidate { owner: addr("alice") }).unwrap_err();
    assert_eq!(code(err), ("derivatives", 5), "a healthy account is not liquidatable");
    // The index slides to 0.38 gUSD over the 24-hour window.
    for _ in 0..30 {
        c.next_hour(Some(380_000));
    }
    let a = c.account("alice");
    assert!(a.liquidatable, "{a:?}");
    let equity = a.equity;
    assert_eq!(query::liquidatable(&c.state).unwrap().len(), 1);
    let events = c.ok("dave", DerivativesAction::Liquidate { owner: addr("alice") });
    let (penalty, left) = events
        .iter()
        .find_map(|e| match e {
            DerivativesEvent::Liquidated { penalty, equity_left, bad_debt: 0, .. } => Some((*penalty, *equity_left)),
            _ => None,
        })
        .expect("liquidated without bad debt");
    assert_eq!(penalty, (100 * 380_000u128 * 200).div_ceil(10_000));
    assert_eq!(left, equity - penalty as i128, "every ugusd of equity beyond the penalty stays alice's");
    let a = c.account("alice");
    assert!(a.positions.is_empty() && a.cash == left);
    assert_eq!(c.account("dave").positions[0].size, 100, "dave holds the long now");
    c.ok("alice", DerivativesAction::Withdraw { amount: left as u128 });
}

#[test]
fn rejects_orders_beyond_margin_on_a_stale_index_or_out_of_band_and_changes_nothing() {
    let mut c = market();
    let future = c.list(Instrument::Future { class: "home".into(), day: tomorrow(&c) });
    // 1,000 contracts at 0.5 gUSD need 156 gUSD of initial margin; alice has 100.
    let err = c.act("alice", place(future, Side::Buy, 1_000, 500_000)).unwrap_err();
    assert_eq!(code(err), ("derivatives", 4), "orders beyond margin");
    let err = c.act("alice", place(future, Side::Buy, 10, 100_000)).unwrap_err();
    assert_eq!(code(err), ("derivatives", 11), "far from the mark");
    let err = c.act("bob", place(future, Side::Buy, 1, 500_000)).unwrap_err();
    assert_eq!(code(err), ("derivatives", 14), "no margin account");
    let err = c.act("alice", place(99, Side::Buy, 1, 500_000)).unwrap_err();
    assert_eq!(code(err), ("derivatives", 1));
    let err = c.act("alice", place(future, Side::Buy, 0, 500_000)).unwrap_err();
    assert_eq!(code(err), ("derivatives", 13));
    let err = c.act("alice", DerivativesAction::Withdraw { amount: 101 * GUSD }).unwrap_err();
    assert_eq!(code(err), ("derivatives", 6));
    c.ok("carol", place(future, Side::Sell, 10, 510_000));
    let order = c.account("carol").orders[0].id;
    let err = c.act("alice", DerivativesAction::Cancel { order }).unwrap_err();
    assert_eq!(code(err), ("derivatives", 8), "only its owner cancels an order");
    // Listing the same instrument twice, a day past, an unknown class.
    let err = c
        .act(
            "carol",
            DerivativesAction::List { instrument: Instrument::Future { class: "home".into(), day: tomorrow(&c) } },
        )
        .unwrap_err();
    assert_eq!(code(err), ("derivatives", 10));
    let err = c
        .act("carol", DerivativesAction::List { instrument: Instrument::Future { class: "home".into(), day: 1 } })
        .unwrap_err();
    assert_eq!(code(err), ("derivatives", 9));
    let err =
        c.act("carol", DerivativesAction::List { instrument: Instrument::Perp { class: "moon".into() } }).unwrap_err();
    assert_eq!(code(err), ("derivatives", 9));
    let far = Instrument::Future { class: "home".into(), day: u64::MAX };
    assert_eq!(code(c.act("carol", DerivativesAction::List { instrument: far }).unwrap_err()), ("derivatives", 9));
    let nowhere = Underlying::Tranche { package: 7, tranche: 0 };
    let swap =
        Instrument::Swap { underlying: nowhere, leg: Leg::Fixed { rate_bps: 500 }, maturity_hour: c.now / HOUR + 5 };
    assert_eq!(code(c.act("carol", DerivativesAction::List { instrument: swap }).unwrap_err()), ("derivatives", 9));
    // Seven hours without an index fill: the mark is stale and nothing trades.
    for _ in 0..7 {
        c.next_hour(None);
    }
    let err = c.act("alice", place(future, Side::Buy, 1, 500_000)).unwrap_err();
    assert_eq!(code(err), ("derivatives", 3), "stale index");
    // A withdrawal that would leave an open position under its initial margin.
    c.next_hour(Some(500_000));
    c.ok("alice", place(future, Side::Buy, 10, 510_000));
    let err = c.act("alice", DerivativesAction::Withdraw { amount: 99 * GUSD }).unwrap_err();
    assert_eq!(code(err), ("derivatives", 4));
}

#[derive(Clone, Debug)]
enum Step {
    Trade { who: usize, series: usize, buy: bool, size: u128, offset_bps: u32 },
    Hour { price: Option<u128> },
    Liquidate { who: usize, by: usize },
    Withdraw { who: usize, amount: u128 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..4, 0usize..4, any::<bool>(), 1u128..300, 0u32..2_000)
            .prop_map(|(who, series, buy, size, offset_bps)| Step::Trade { who, series, buy, size, offset_bps }),
        3 => proptest::option::weighted(0.9, 200_000u128..900_000).prop_map(|price| Step::Hour { price }),
        3 => (0usize..3).prop_map(|who| Step::Liquidate { who, by: 3 }),
        1 => (0usize..4, 1u128..50 * GUSD).prop_map(|(who, amount)| Step::Withdraw { who, amount }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Random orders, withdrawals and liquidations by four accounts over a random
    /// index path keep every invariant (zero-sum included); the accounts' equity
    /// and the insurance fund always add up to what was deposited; and a
    /// liquidation leaves its account every ugusd of equity beyond the penalty.
    #[test]
    fn random_trading_over_random_prices_is_zero_sum(steps in proptest::collection::vec(step(), 1..60)) {
        let mut c = Chain::new();
        c.fill(500_000);
        let day = tomorrow(&c);
        let expiry = c.now / HOUR + 20;
        let series = [
            c.list(Instrument::Future { class: "home".into(), day }),
            c.list(Instrument::Perp { class: "home".into() }),
            c.list(Instrument::Option { class: "home".into(), expiry_hour: expiry, strike: 500_000, right: Right::Call }),
            c.list(Instrument::Option { class: "home".into(), expiry_hour: expiry, strike: 500_000, right: Right::Put }),
        ];
        let mut deposited = 0i128;
        // Three thin accounts and dave, deep enough to liquidate them.
        for n in NAMES {
            let amount = if n == "dave" { 5_000 * GUSD } else { 40 * GUSD };
            c.ok(n, deposit(amount));
            deposited += amount as i128;
        }
        for s in steps {
            match s {
                Step::Trade { who, series: i, buy, size, offset_bps } => {
                    let id = series[i];
                    let Some(mark) = c.series(id).mark else { continue };
                    let option = i >= 2;
                    let base = if option { 50_000 } else { mark };
                    let offset = base * u128::from(offset_bps) / 10_000;
                    let price = if buy { base + offset } else { base.saturating_sub(offset).max(1) };
                    let side = if buy { Side::Buy } else { Side::Sell };
                    let _ = c.act(NAMES[who], place(id, side, size, price));
                }
                Step::Hour { price } => {
                    c.next_hour(price);
                }
                Step::Liquidate { who, by } => {
                    let before = c.account(NAMES[who]);
                    if let Ok(events) = c.act(NAMES[by], DerivativesAction::Liquidate { owner: addr(NAMES[who]) }) {
                        let (penalty, left) = events.iter().find_map(|e| match e {
                            DerivativesEvent::Liquidated { penalty, equity_left, .. } => Some((*penalty, *equity_left)),
                            _ => None,
                        }).unwrap();
                        prop_assert!(before.liquidatable);
                        if before.equity >= penalty as i128 {
                            prop_assert_eq!(left, before.equity - penalty as i128);
                        }
                        prop_assert!(c.account(NAMES[who]).positions.is_empty());
                    }
                }
                Step::Withdraw { who, amount } => {
                    if c.act(NAMES[who], DerivativesAction::Withdraw { amount }).is_ok() {
                        deposited -= amount as i128;
                    }
                }
            }
            let equity: i128 = NAMES.iter().map(|n| c.account(n).equity).sum();
            let insurance = greenhour_derivatives::state::insurance(&c.state).unwrap();
            prop_assert_eq!(equity + insurance.balance as i128, deposited, "zero sum, fees to the fund");
        }
    }
}

#[test]
fn genesis_exports_and_reimports_a_running_market() {
    let mut c = market();
    let perp = c.list(Instrument::Perp { class: "home".into() });
    c.ok("carol", place(perp, Side::Sell, 10, 520_000));
    c.ok("alice", place(perp, Side::Buy, 4, 520_000));
    c.next_hour(Some(500_000));
    let exported = Derivatives::export_genesis(&c.state).unwrap();
    assert_eq!(exported.positions.len(), 2);
    assert_eq!(exported.orders.len(), 1);
    let mut again = BlockOverlay::new(Memory::new());
    Derivatives::init_genesis(&mut again, &exported).unwrap();
    assert_eq!(Derivatives::export_genesis(&again).unwrap(), exported);
    let keys = |s: &BlockOverlay<Memory>| -> Vec<Vec<u8>> {
        s.prefix_raw(b"derivatives/").unwrap().into_iter().map(|(k, _)| k).collect()
    };
    assert_eq!(keys(&again), keys(&c.state));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// Whatever the position and however far the index moves: an account is
    /// liquidatable exactly when its equity is below maintenance; a liquidation
    /// leaves it every ugusd of equity beyond the penalty (or, past zero, the
    /// insurance fund covers what it can); and what is left can be withdrawn.
    #[test]
    fn liquidation_returns_all_equity_beyond_the_penalty(size in 1u128..400, margin in 20u128..100, to in 50_000u128..1_000_000, long in any::<bool>()) {
        let mut c = Chain::new();
        c.fill(500_000);
        c.ok("alice", deposit(margin * GUSD));
        c.ok("carol", deposit(5_000 * GUSD));
        c.ok("dave", deposit(5_000 * GUSD));
        let future = c.list(Instrument::Future { class: "home".into(), day: tomorrow(&c) + 2 });
        let (maker, taker) = if long { (Side::Sell, Side::Buy) } else { (Side::Buy, Side::Sell) };
        c.ok("carol", place(future, maker, size, 500_000));
        if c.act("alice", place(future, taker, size, 500_000)).is_err() {
            prop_assert!(size * 500_000 / 4 * 5 / 4 > margin * GUSD / 2, "refused only when the margin is short");
            return Ok(());
        }
        c.next_hour(Some(to));
        let a = c.account("alice");
        prop_assert_eq!(a.liquidatable, a.equity < a.maintenance as i128);
        let result = c.act("dave", DerivativesAction::Liquidate { owner: addr("alice") });
        prop_assert_eq!(result.is_ok(), a.liquidatable);
        let Ok(events) = result else { return Ok(()) };
        let (penalty, left, bad_debt) = events.iter().find_map(|e| match e {
            DerivativesEvent::Liquidated { penalty, equity_left, bad_debt, .. } => Some((*penalty, *equity_left, *bad_debt)),
            _ => None,
        }).unwrap();
        if a.equity >= 0 {
            prop_assert_eq!(left, a.equity - penalty as i128);
            prop_assert_eq!(bad_debt, 0);
        } else {
            prop_assert_eq!(penalty, 0);
            prop_assert_eq!(bad_debt, a.equity.unsigned_abs());
        }
        let after = c.account("alice");
        prop_assert!(after.positions.is_empty());
        prop_assert_eq!(after.cash, left.max(after.cash));
        if after.cash > 0 {
            c.ok("alice", DerivativesAction::Withdraw { amount: after.cash as u128 });
        }
    }
}
