//! The fleet: simulated devices that act through the RPC client exactly as a device
//! agent would — register, sign hourly telemetry, join a pool, pledge the coming
//! day, provide slots to the market and run the jobs assigned to them — plus a
//! market maker that opens hour pools and a buyer that purchases GPU-hours and
//! posts jobs.

use crate::physics::{DeviceSpec, SiteProfile};
use crate::SimError;
use greenhour_agent::{EnergyManager, ManagerConfig};
use greenhour_app::AppAction;
use greenhour_bank::{BankAction, Output};
use greenhour_carbon::{CarbonAction, CarbonEvent};
use greenhour_client::{Committed, RpcClient, Wallet};
use greenhour_cover::query::{CoverQuery, PoolView, StakeView};
use greenhour_cover::{Cover, CoverAction, JobPeril, Quote};
use greenhour_crypto::SecretKey;
use greenhour_devices::{DeviceClass, DeviceId, DevicesAction, DevicesEvent, LocationCell};
use greenhour_energy::battery::Battery;
use greenhour_energy::device::{EvSession, GpuBox};
use greenhour_funds::query::{FundView, FundsQuery, SharesView};
use greenhour_funds::{FundId, FundsAction, Mandate};
use greenhour_governance::query::{GovernanceQuery, GovernanceView};
use greenhour_governance::{GovernanceAction, Proposal, ProposalMessage, ProposalStatus, VoteOption};
use greenhour_jobs::{JobId, JobSpec, JobStatus, JobsAction, JobsEvent, Pricing, TaskKind, Verification, Workload};
use greenhour_lending::math::WAD;
use greenhour_lending::query::{LendingQuery, MarketView, PledgedView, PositionView};
use greenhour_lending::{Collateral, LendingAction, MarketId, Size};
use greenhour_market::MarketAction;
use greenhour_oracle::OracleAction;
use greenhour_pools::{PoolId, PoolsAction, PoolsEvent};
use greenhour_primitives::{Address, ChainId, Coin, Denom};
use greenhour_rwa::query::OfferBook;
use greenhour_rwa::query::{HoldingView, IdentityView, PackageReport, PackageView, RwaQuery};
use greenhour_rwa::{PackageId, Rules, RwaAction, RwaEvent, Side, TrancheTerms};
use greenhour_stable::query::{DepositView, Reserve, StableQuery, VaultView};
use greenhour_stable::{StableAction, VaultId};
use std::sync::Arc;
use tokio::sync::Semaphore;

mod derivatives;
pub use derivatives::{DerivativesSummary, HedgeReport};

const HOUR: u64 = 3_600;

/// Devices talking to the node at once. Each waits for its commit, so more in
/// flight means fuller blocks; each costs two file descriptors when the node runs in
/// the same process, so the bound follows the process's open-file limit — and stays
/// at 4,096, because the client's pool keeps idle connections open besides (6,500
/// in flight ran out of descriptors under a limit of 20,000).
fn concurrency() -> usize {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit only writes the struct we pass, which lives for the call.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    let soft = if ok { limit.rlim_cur as usize } else { 1_024 };
    (soft.saturating_sub(512) / 2).clamp(64, 4_096)
}

/// Runs `futures` at most [`concurrency`] at a time; results in completion order.
async fn bounded<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    use futures_util::StreamExt;
    futures_util::stream::iter(futures).buffer_unordered(concurrency()).collect().await
}

/// How a simulated device behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    Honest,
    /// Goes offline one hour in seven and declares the outage when it returns.
    Flaky,
    /// Claims three times its PV output at midday: the chain refuses those reports.
    Inflating,
}

/// What the governance desk's daily grant pays from the community pool: 100 GHR.
const GRANT: u128 = 100_000_000;
const GRANT_TITLE: &str = "Grant:";

/// The lending desk's market LLTV (50 %), its borrowers at most, and how many
/// hours before its NFT runs out a careful borrower repays (before the 12-hour decay).
const LLTV_WAD: u128 = 500_000_000_000_000_000;
const MAX_BORROWERS: usize = 40;
/// A smaller fleet runs no lending desk: a pledged position provides no slots, and
/// a handful of devices' market needs every one (the README's six-device devnet
/// posts three-replica jobs that buy three slots of one hour).
const LENDING_MIN_FLEET: usize = 20;
const REPAY_LEAD_HOURS: u64 = 14;
/// The lender's own supply to the lending desk's market: a seed. Once governance
/// points gUSD's direct deposit at the market (the desk proposes it), gUSD is
/// minted into it as its borrowers need, up to the ceiling, with the buffer kept free.
const LENDER_SUPPLY: u128 = 1_000_000_000;
const DIRECT_CEILING: u128 = 500_000_000_000;
const DIRECT_BUFFER: u128 = 5_000_000_000;
/// The RWA desk: which device's owner issues the package, and the investor's
/// hourly subscription and target.
const RWA_ISSUER_DEVICE: usize = 3;
/// The package's epoch (hourly) at which the issuer's device leaves its pool: the
/// write-down demo, a dozen hours into a run.
const RWA_ISSUER_LEAVES_AT_EPOCH: u64 = 12;
const RWA_SUBSCRIPTION: u128 = 200_000_000;
const RWA_TARGET: u128 = 5_000_000_000;
/// The fund desk: the buyer's hourly deposit and its target, the cash the manager
/// keeps for redemptions (bps of the fund), and how often the buyer asks for a
/// tenth of its shares back.
const FUND_DEPOSIT: u128 = 100_000_000;
/// The secondary market: the maker's standing bid and the investor's sale (ugusd).
const SECONDARY_BID: u128 = 20_000_000;
const SECONDARY_SALE: u128 = 10_000_000;
const WAD_UNIT: u128 = 1_000_000_000_000_000_000;
const FUND_TARGET: u128 = 1_000_000_000;
const FUND_CASH_BUFFER_BPS: u128 = 1_000;
const FUND_REDEEM_EVERY_HOURS: u64 = 8;
/// The ESG desk: the credits the maker bridges (200 t, a renewable-energy batch
/// under a devnet serial), the carbon coin it locks in a gUSD vault and the debt
/// it draws (about 250 % at 10 gUSD a tonne), the buyer's hourly deposit and
/// target, and how often the buyer takes a tenth of its shares out in kind.
const ESG_CREDIT_SERIAL: &str = "DEVNET-ESG-2024-1";
const ESG_CREDIT_TONNES: u64 = 200;
const ESG_VAULT_DEBT: u128 = 800_000_000;
const ESG_DEPOSIT: u128 = 50_000_000;
const ESG_TARGET: u128 = 500_000_000;
const ESG_REDEEM_EVERY_HOURS: u64 = 12;
/// The cover desk: the reporter's stake in the downtime pool, and what a flaky
/// device's owner covers (per hour, for a day at a time).
const COVER_STAKE: u128 = 2_000_000_000;
const COVER_PER_HOUR: u128 = 500_000;
const COVER_HOURS: u32 = 24;
/// Fleets from this size have flaky devices (every tenth), so the cover desk runs.
const COVER_MIN_FLEET: usize = 10;
/// What the buyer insures each job it posts for, against failure, ugusd.
const JOB_COVER_SUM: u128 = 1_000_000;
const DIRECT_TITLE: &str = "gUSD direct deposit into the home-positions market";
/// gUSD vaults: at most this many devices open one, against this much GHR each,
/// at about this collateral ratio (the branch's minimum is 150 %).
const MAX_VAULTS: usize = 40;
const VAULT_GHR: u128 = 600_000_000;
const VAULT_OPEN_RATIO_BPS: u128 = 18_000;
/// What the reporter keeps in the stability pool, and the gUSD the buyer redeems every 6 hours.
const STABILITY_DEPOSIT: u128 = 20_000_000_000;
const REDEMPTION: u128 = 20_000_000;

/// What the fleet does, and with which accounts.
#[derive(Clone, Debug)]
pub struct FleetConfig {
    pub devices: usize,
    /// The pool the devices join (the devnet's open compute pool is 2).
    pub pool: u64,
    /// Funds the device owners at start (the devnet's `dave`).
    pub treasury: SecretKey,
    /// Opens the market pools (the devnet's `carol`).
    pub maker: SecretKey,
    /// Buys GPU-hours each hour (the devnet's `bob`).
    pub buyer: SecretKey,
    /// µgUSD a device deposits with each slot it provides (sets the opening price).
    pub slot_price: u128,
    /// Jobs the buyer posts each hour, cycling through the example workloads and
    /// the verification methods (0: none).
    pub jobs_per_hour: usize,
    /// Day-ahead prices by hour of the year, €/MWh, and the grid's carbon
    /// intensity, gCO₂e/kWh: what every device's energy manager plans against.
    pub prices: Arc<[f64]>,
    pub grid_g_per_kwh: f64,
    /// Oracle feeds the maker and `reporter` report each simulated hour (two
    /// reports close a devnet round), so SCI reports and prices have fresh data.
    pub feeds: Vec<FeedSeries>,
    /// The second oracle reporter (the devnet's `dave`; the maker is the first).
    pub reporter: SecretKey,
    /// Where device owners donate a slice of a sunny hour's certificates once a
    /// simulated day (the devnet's faucet, which hands them to wallets to claim).
    pub certificate_sink: Option<Address>,
}

/// An oracle feed's values by hour: hour `h` reports `values[h % len]`, the way
/// the energy managers read the price series.
#[derive(Clone, Debug)]
pub struct FeedSeries {
    pub name: String,
    pub values: Arc<[i128]>,
}

impl FeedSeries {
    fn at(&self, hour: u64) -> Option<i128> {
        let n = self.values.len() as u64;
        (n > 0).then(|| self.values[(hour % n) as usize])
    }
}

/// One reporter's submissions of every feed's value for `hour`, in one transaction.
async fn report_feeds(
    client: &RpcClient,
    reporter: &mut Wallet,
    feeds: &[FeedSeries],
    hour: u64,
) -> Result<(), SimError> {
    let mut actions = Vec::new();
    for feed in feeds {
        let Some(value) = feed.at(hour) else { continue };
        let round = client.oracle(&feed.name).await?["feed"]["round"].as_u64();
        let Some(round) = round else {
            tracing::debug!(feed = %feed.name, "oracle feed has no round");
            continue;
        };
        actions.push(AppAction::Oracle(OracleAction::Submit { feed: feed.name.clone(), round, value }));
    }
    if actions.is_empty() {
        return Ok(());
    }
    if let Committed::Refused(why) = reporter.commit(client, actions).await? {
        // The other reporter may have closed the round first: its value stands.
        tracing::debug!(%why, "oracle report refused");
    }
    Ok(())
}

/// Running counts since the fleet started.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub reports_accepted: u64,
    pub reports_refused: u64,
    /// Reports turned into hourly energy certificates, and the solar Wh certified.
    pub certified_reports: u64,
    pub certified_wh: u64,
    pub outages: u64,
    /// Plans the devices' energy managers made (LP solves).
    pub plans_made: u64,
    pub members: u64,
    pub pledged_gpu_hours: u64,
    pub provided_slots: u64,
    pub bought_slots: u64,
    pub bought_quote: u128,
    pub jobs_posted: u64,
    /// Commitments and reveals the devices' workers submitted.
    pub results_submitted: u64,
    /// Of the buyer's latest 200 jobs: settled and failed ones.
    pub jobs_settled: u64,
    pub jobs_failed: u64,
    /// Loans devices took against their position NFTs, repaid (and the NFT
    /// released), and liquidated by the liquidator.
    pub loans_taken: u64,
    pub loans_repaid: u64,
    pub liquidations: u64,
    /// gUSD vaults opened, topped up with collateral, liquidated, and redemptions made.
    pub vaults_opened: u64,
    pub vaults_topped_up: u64,
    pub vault_liquidations: u64,
    pub redemptions: u64,
    /// Community-pool grants the fleet proposed, and those executed (paid).
    pub grants_proposed: u64,
    pub grants_paid: u64,
    /// Positions put into the RWA package, the investor's subscriptions and payouts
    /// collected, and the issuer's junior redemptions.
    pub package_assets: u64,
    pub subscriptions: u64,
    pub payouts_claimed: u64,
    pub junior_redemptions: u64,
    /// Times the issuer device left its pool and the package was written down.
    pub package_write_downs: u64,
    /// Fills in the tranche's secondary market, and the units they moved.
    pub secondary_fills: u64,
    pub secondary_units: u128,
}

/// One simulated hour, as the devnet prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct HourSummary {
    /// The UTC hour index just reported.
    pub hour: u64,
    pub height: u64,
    pub reporting: usize,
    /// Fleet-wide energy of the hour, Wh.
    pub generated_wh: u64,
    pub compute_wh: u64,
    /// What the fleet's EV chargers drew.
    pub ev_wh: u64,
    pub imported_wh: u64,
    pub exported_wh: u64,
    /// Energy through the fleet's batteries in the hour (charged and discharged, AC).
    pub charged_wh: u64,
    pub discharged_wh: u64,
    /// Plans the devices' energy managers made in the hour.
    pub plans_made: u64,
    pub totals: Totals,
    /// The Green Compute Index (home, gUSD) after the hour, if it has fills.
    pub index_price_wad: Option<u128>,
    pub index_green_share_bps: u32,
    /// The lending market against home positions: gUSD supplied and borrowed now,
    /// and the debt its pledged NFTs' own income has repaid since it opened.
    pub lending_supplied: u128,
    pub lending_borrowed: u128,
    pub lending_income_repaid: u128,
    /// gUSD after the hour: supply, what vaults owe, and the collateral ratio (bps).
    pub gusd_supply: u128,
    pub gusd_vault_debt: u128,
    pub gusd_collateral_ratio_bps: Option<u64>,
    /// gUSD minted into the lending market by the direct deposit, and the share of
    /// gUSD's backing that is green compute (bps).
    pub gusd_direct_minted: u128,
    pub gusd_green_compute_bps: u32,
    /// The RWA package after the hour: its assets' value (`None` while unvalued),
    /// reserve, income received and coupons paid so far, and the senior units sold.
    pub rwa_nav: Option<u128>,
    pub rwa_reserve: u128,
    pub rwa_income: u128,
    pub rwa_coupons: u128,
    pub rwa_senior_units: u128,
    /// The junior (first-loss) tranche's value after the hour.
    pub rwa_junior_value: Option<u128>,
    /// The green compute fund after the hour: its assets (`None` while unvalued),
    /// price per share (WAD ugusd), cash, and shares waiting in redemption requests.
    pub fund_assets: Option<u128>,
    pub fund_price_wad: Option<u128>,
    pub fund_cash: u128,
    pub fund_queued_shares: u128,
    /// The ESG fund after the hour: its assets (`None` while unvalued) and the
    /// carbon coin it holds, ugco2.
    pub esg_assets: Option<u128>,
    pub esg_carbon: u128,
    /// The downtime cover pool after the hour: capital, cover outstanding, payouts
    /// and events paid so far, covers sold.
    pub cover_capital: u128,
    pub cover_locked: u128,
    pub cover_payouts: u128,
    /// Cover events paid so far: downtime hours, failed jobs.
    pub cover_events_paid: u64,
    pub covers_sold: u64,
    /// The derivatives desk after the hour: open interest, funding, options
    /// settled, the insurance fund, and the latest settled hedge.
    pub derivatives: Option<DerivativesSummary>,
}

/// What every device needs to do one hour's work.
#[derive(Clone, Copy)]
struct HourCtx<'a> {
    client: &'a RpcClient,
    chain: &'a ChainId,
    /// Bounds the plans solved at once to the machine's cores (the node shares them).
    solvers: &'a Semaphore,
    pool: u64,
    /// The hour to report, and the chain's current hour.
    hour: u64,
    now_hour: u64,
    /// The hour whose slot each device provides to the market, and with how much quote.
    provide_hour: u64,
    provide_price: u128,
    /// The lending market positions are pledged in (a pledged position provides through it).
    lending_market: Option<MarketId>,
    /// The RWA package the issuer device's positions are in (they provide through it).
    package: Option<PackageId>,
    certificate_sink: Option<Address>,
}

struct SimDevice {
    index: usize,
    owner: Wallet,
    device_key: SecretKey,
    /// The agent's energy manager: forecasts, the LP plan, and the battery run on it.
    manager: EnergyManager,
    behaviour: Behaviour,
    id: Option<DeviceId>,
    last_report_end: Option<u64>,
    joined: bool,
    position: Option<u64>,
    /// The hours the position covers: `[pledged_from, pledged_until)`.
    pledged_from: u64,
    pledged_until: u64,
    /// The position NFT pledged in the lending market (it cannot provide slots or
    /// be extended while pledged; a fresh position replaces it when it runs out).
    collateral: Option<u64>,
    /// The position NFT in the RWA package's custody (the issuer device's): it
    /// provides slots through the package and is not extended; a fresh one replaces it.
    packaged: Option<u64>,
    /// The first hour its downtime cover no longer covers (flaky devices buy a day at a time).
    covered_until: u64,
    /// Runs the jobs assigned to the device (inflating devices also cheat at jobs).
    worker: greenhour_agent::Worker,
    /// The device owner's gUSD vault, if it has one open.
    vault: Option<VaultId>,
    /// Compute energy its own PV covered since the last daily grant, Wh.
    green_wh_today: u64,
    /// The latest solar bundle issued to the owner: `(first id, Wh)`.
    last_solar_bundle: Option<(u64, u64)>,
    /// The UTC day of its latest certificate donation.
    donated_day: Option<u64>,
}

fn spec_for(i: usize) -> DeviceSpec {
    const PV: [f64; 5] = [3_000.0, 4_000.0, 5_000.0, 6_000.0, 8_000.0];
    let big = i.is_multiple_of(3);
    DeviceSpec {
        pv_w: PV[i % PV.len()],
        battery: Battery {
            capacity_wh: if big { 13_500.0 } else { 10_000.0 },
            max_charge_w: 5_000.0,
            max_discharge_w: 5_000.0,
            ..Battery::home()
        },
        gpu: GpuBox {
            gpu_count: if big { 2 } else { 1 },
            tdp_w: if i.is_multiple_of(2) { 450.0 } else { 300.0 },
            idle_w: 60.0,
        },
        base_load_w: 350.0 + (i % 4) as f64 * 50.0,
        // One home in four charges a car each evening: 6–14 kWh, plugged in from
        // 17:00–19:00 until 07:00, on a 7.4 or 11 kW charger.
        ev: (i % 4 == 1).then(|| EvSession {
            arrive: 17 + i % 3,
            depart: 7,
            energy_wh: 6_000.0 + (i % 5) as f64 * 2_000.0,
            max_w: if i.is_multiple_of(3) { 11_000.0 } else { 7_400.0 },
        }),
    }
}

fn behaviour_for(i: usize) -> Behaviour {
    if i % 25 == 24 {
        Behaviour::Inflating
    } else if i % 10 == 9 {
        Behaviour::Flaky
    } else {
        Behaviour::Honest
    }
}

/// Wh a device donates to the certificate sink, from a bundle of at least twice that.
const DONATION_WH: u64 = 2_000;

/// The first solar bundle a transaction's `issued` event lists: `(first id, Wh)`.
fn solar_bundle(record: &greenhour_app::TxRecord) -> Option<(u64, u64)> {
    CarbonEvent::all_in(&record.events).into_iter().find_map(|e| match e {
        // Each bundle is `first-last:source:status`.
        CarbonEvent::Issued { bundles, .. } => bundles.split(',').find_map(|b| {
            let mut parts = b.split(':');
            let (range, source) = (parts.next()?, parts.next()?);
            let (first, last) = range.split_once('-')?;
            let (first, last) = (first.parse::<u64>().ok()?, last.parse::<u64>().ok()?);
            (source == "solar" && last >= first).then_some((first, last - first + 1))
        }),
        _ => None,
    })
}

/// `(pools, 5)`: the device is a member of the pool already.
const ALREADY_MEMBER: u32 = 5;
/// `(pools, 6)`: the device is not an active member (it left, or is leaving).
const NOT_MEMBER: u32 = 6;

/// Adds a committed secondary-market offer's fills to the totals.
fn count_fills(outcome: Committed, totals: &mut Totals) {
    match outcome {
        Committed::Included(record) => {
            for e in RwaEvent::all_in(&record.events) {
                if let RwaEvent::Traded { units, .. } = e {
                    totals.secondary_fills += 1;
                    totals.secondary_units += units;
                }
            }
        }
        Committed::Refused(why) => tracing::debug!(%why, "offer refused"),
    }
}

impl SimDevice {
    /// Finds the device on the chain if a previous run registered it: its id, the
    /// end of its last accepted report, and its live position in `pool` (which
    /// also tells it joined). Returns whether it was found.
    async fn resume(&mut self, client: &RpcClient, pool: u64) -> Result<bool, SimError> {
        let key = self.device_key.public_key();
        let owner = self.owner.address();
        let Some(device) = client.devices(Some(&owner)).await?.into_iter().find(|d| d.key == key) else {
            return Ok(false);
        };
        self.id = Some(device.id);
        self.last_report_end = device.last_report_end;
        let live = client.positions(serde_json::json!({ "device": device.id.0 })).await?;
        if let Some(latest) =
            live.iter().map(|v| &v.position).filter(|p| p.pool.0 == pool).max_by_key(|p| p.first_hour + p.hours as u64)
        {
            self.joined = true;
            self.position = Some(latest.serial);
            self.pledged_from = latest.first_hour;
            self.pledged_until = latest.first_hour + latest.hours as u64;
        }
        Ok(true)
    }

    fn pledged(&self) -> Vec<(u64, u32)> {
        match self.position {
            Some(_) if self.pledged_until > self.pledged_from => {
                vec![(self.pledged_from, (self.pledged_until - self.pledged_from) as u32)]
            }
            _ => Vec::new(),
        }
    }

    /// Has the energy manager plan from `hour` if it must, solving the LP on the
    /// blocking pool with one of `solvers`' permits. Returns whether it planned.
    async fn plan_if_due(&mut self, hour: u64, solvers: &Semaphore) -> Result<bool, SimError> {
        if !self.manager.needs_plan(hour) {
            return Ok(false);
        }
        let request = self.manager.request(hour, &self.pledged(), None);
        let _permit = solvers.acquire().await.map_err(|e| SimError::Setup(e.to_string()))?;
        let planned = tokio::task::spawn_blocking(move || request.solve())
            .await
            .map_err(|e| SimError::Setup(format!("planner task: {e}")))??;
        self.manager.adopt(planned);
        Ok(true)
    }

    /// Plans if due, runs and reports hour `hour` (with the slot of `provide_hour`
    /// for the market in the same transaction), then joins and pledges when due.
    /// Returns the hour's energy if a report was accepted.
    /// Once a simulated day, a slice of the owner's latest large solar bundle for
    /// the sink (the first [`DONATION_WH`] Wh; the rest stays for job claims).
    fn donation(&self, sink: Option<Address>, hour: u64) -> Option<AppAction> {
        let to = sink?;
        let (bundle, wh) = self.last_solar_bundle?;
        (self.donated_day != Some(hour / 24) && wh >= 2 * DONATION_WH)
            .then_some(AppAction::Carbon(CarbonAction::Transfer { bundle, to, wh: Some(DONATION_WH) }))
    }

    async fn hour_work(
        &mut self,
        ctx: &HourCtx<'_>,
        totals: &mut Totals,
    ) -> Result<Option<crate::physics::HourEnergy>, SimError> {
        let HourCtx {
            client,
            chain,
            solvers,
            pool,
            hour,
            now_hour,
            provide_hour,
            provide_price,
            lending_market,
            package,
            certificate_sink,
        } = *ctx;
        let Some(id) = self.id else { return Ok(None) };
        if self.last_report_end.is_some_and(|end| end > hour * HOUR) {
            // Reported before the fleet restarted.
            return Ok(None);
        }
        if self.behaviour == Behaviour::Flaky && (hour + self.index as u64).is_multiple_of(7) {
            totals.outages += 1;
            return Ok(None);
        }
        if self.plan_if_due(hour, solvers).await? {
            totals.plans_made += 1;
        }
        let pledged = self.pledged();
        let in_pledge = pledged.iter().any(|(s, n)| hour >= *s && hour < s + *n as u64);
        let energy = self.manager.run_hour(hour, in_pledge);
        let outage = self.last_report_end.is_some_and(|end| end < hour * HOUR);
        let mut report = self.manager.telemetry(id, hour, &energy, outage);
        let local_hour = self.manager.local_hour(hour);
        if self.behaviour == Behaviour::Inflating && (11..=13).contains(&local_hour) {
            report.generated_wh = energy.generated_wh * 3 + 1_000;
        }
        let start = hour * HOUR;
        let signature = report.sign(&self.device_key, chain);
        let hash = report.signed_hash(&signature);
        let (generated, discharged) = (report.generated_wh, report.discharged_wh);
        let mut actions = vec![AppAction::Devices(DevicesAction::Report { report, signature })];
        // Sunny hours are certified in the same transaction; a discharge alone may
        // lack stored backing, so it is certified separately (a refusal is harmless).
        if generated > 0 {
            actions.push(AppAction::Carbon(CarbonAction::Issue { reports: vec![hash] }));
        }
        // What else is due rides along — the hour's slot for the market and, once a
        // day, the position's extension: one commit an hour instead of two or three,
        // which is what lets 10,000 devices keep the clock's pace. If the
        // transaction is refused with them, the report goes again alone (and the
        // extension separately below).
        let next = (hour + 2).max(now_hour + 2);
        let fresh = self.position.is_none() || self.pledged_until <= now_hour + 1;
        let provide = self.provide_action(provide_hour, provide_price, lending_market, package);
        let extend = match self.position {
            Some(position) if self.joined && !fresh && !self.away(position) && self.pledged_until < next + 12 => {
                Some(AppAction::Pools(PoolsAction::Extend { position, hours: 24 }))
            }
            _ => None,
        };
        let donate = self.donation(certificate_sink, hour);
        let riders: Vec<AppAction> = provide.iter().chain(&extend).chain(&donate).cloned().collect();
        let mut outcome = self.owner.commit(client, actions.iter().chain(&riders).cloned().collect()).await?;
        let riders_landed = matches!(outcome, Committed::Included(_));
        if !riders_landed && !riders.is_empty() {
            outcome = self.owner.commit(client, actions).await?;
        }
        if riders_landed && provide.is_some() {
            totals.provided_slots += 1;
        }
        if riders_landed && donate.is_some() {
            self.donated_day = Some(hour / 24);
            self.last_solar_bundle = None;
        }
        if let Committed::Included(record) = &outcome {
            self.last_solar_bundle = solar_bundle(record).or(self.last_solar_bundle);
        }
        if riders_landed && extend.is_some() {
            self.pledged_until += 24;
            totals.pledged_gpu_hours += 24 * self.manager.spec().gpu.gpu_count as u64;
        }
        let accepted = match outcome {
            Committed::Included(_) => {
                totals.reports_accepted += 1;
                if generated > 0 {
                    totals.certified_reports += 1;
                    totals.certified_wh += generated;
                } else if discharged > 0 {
                    let issue = AppAction::Carbon(CarbonAction::Issue { reports: vec![hash] });
                    if let Committed::Included(_) = self.owner.commit(client, vec![issue]).await? {
                        totals.certified_reports += 1;
                    }
                }
                self.last_report_end = Some(start + HOUR);
                true
            }
            Committed::Refused(why) => {
                tracing::debug!(device = self.index, %why, "report refused");
                totals.reports_refused += 1;
                false
            }
        };
        if !self.joined && self.last_report_end.is_some() {
            let join = PoolsAction::Join { pool: PoolId(pool), device: id };
            match self.owner.commit(client, vec![AppAction::Pools(join)]).await? {
                Committed::Included(_) => {
                    self.joined = true;
                    totals.members += 1;
                }
                // Joined before a restart.
                Committed::Refused(why) if why.module == "pools" && why.code == ALREADY_MEMBER => self.joined = true,
                Committed::Refused(_) => {}
            }
        }
        // Pledges start two hours after the chain's current one: the fleet may lag the
        // clock, and a large fleet's last transactions land a few blocks later. A
        // position that has run out (a fleet far behind the clock) is replaced.
        let away = self.position.is_some_and(|p| self.away(p));
        if self.joined && self.pledged_until < next + 12 && (fresh || !away) {
            let quantity = self.manager.spec().gpu.gpu_count;
            let action = match self.position {
                Some(position) if !fresh => PoolsAction::Extend { position, hours: 24 },
                _ => PoolsAction::Pledge { pool: PoolId(pool), device: id, first_hour: next, hours: 24, quantity },
            };
            let outcome = self.owner.commit(client, vec![AppAction::Pools(action)]).await?;
            if let Committed::Refused(why) = &outcome {
                tracing::debug!(device = self.index, %why, "pledge refused");
                // A device that left is a member again only once its pledged hours
                // have ended: it asks to join again each hour until then.
                if why.module == "pools" && why.code == NOT_MEMBER {
                    self.joined = false;
                }
            }
            if let Committed::Included(record) = outcome {
                if fresh {
                    self.pledged_from = next;
                    self.position = PoolsEvent::all_in(&record.events).into_iter().find_map(|e| match e {
                        PoolsEvent::Pledged { position, .. } => Some(position),
                        _ => None,
                    });
                    self.pledged_until = next + 24;
                } else {
                    self.pledged_until += 24;
                }
                totals.pledged_gpu_hours += 24 * quantity as u64;
            }
        }
        Ok(accepted.then_some(energy))
    }

    /// Leaves `pool`: the unsold slots of its hours to come are withdrawn (and the
    /// positions holding them written down). It joins again, and pledges afresh,
    /// once its pledged hours have ended. Returns whether the chain took it.
    async fn leave(&mut self, client: &RpcClient, pool: u64) -> Result<bool, SimError> {
        let Some(device) = self.id else { return Ok(false) };
        let leave = PoolsAction::Leave { pool: PoolId(pool), device };
        match self.owner.commit(client, vec![AppAction::Pools(leave)]).await? {
            Committed::Included(_) => {
                self.joined = false;
                self.position = None;
                self.packaged = None;
                self.pledged_until = 0;
                Ok(true)
            }
            Committed::Refused(why) => {
                tracing::debug!(device = self.index, %why, "leaving refused");
                Ok(false)
            }
        }
    }

    /// Whether `position` is pledged in the lending market or held by the RWA
    /// package (only that module moves it then).
    fn away(&self, position: u64) -> bool {
        self.collateral == Some(position) || self.packaged == Some(position)
    }

    /// Submits what the device's assigned jobs owe at chain time `now` (the worker
    /// runs the workloads); returns how many submissions landed.
    async fn submit_due(&mut self, client: &RpcClient, now: u64) -> Result<u64, SimError> {
        if self.id.is_none() {
            return Ok(0);
        }
        let mut landed = 0;
        let me = self.owner.address();
        for due in self.worker.due(client, &me, now).await? {
            match self.owner.commit(client, vec![AppAction::Jobs(due.action)]).await? {
                Committed::Included(_) => landed += 1,
                Committed::Refused(why) => tracing::debug!(device = self.index, %why, "job result refused"),
            }
        }
        Ok(landed)
    }

    /// Providing one slot of `hour` to its market pool with `price` µgUSD, if the
    /// device's position covers that hour (valid until the hour opens: a large
    /// fleet takes several blocks). A position pledged in `lending` provides through
    /// the lending market, so its sales repay the loan when the hour ends.
    fn provide_action(
        &self,
        hour: u64,
        price: u128,
        lending: Option<MarketId>,
        package: Option<PackageId>,
    ) -> Option<AppAction> {
        let position = self.position?;
        if hour >= self.pledged_until || hour < self.pledged_from {
            return None;
        }
        if self.packaged == Some(position) {
            return Some(AppAction::Rwa(RwaAction::Provide {
                package: package?,
                serial: position,
                hour,
                quantity: 1,
                max_quote: price,
            }));
        }
        if self.collateral == Some(position) {
            return Some(AppAction::Lending(LendingAction::Provide {
                market: lending?,
                serial: position,
                hour,
                quantity: 1,
                max_quote: price,
                min_shares: 0,
            }));
        }
        Some(AppAction::Pools(PoolsAction::Provide {
            position,
            hour,
            quantity: 1,
            max_quote: price,
            min_shares: 0,
            deadline: hour * HOUR,
        }))
    }
}

/// Opens, in one transaction by `maker`, the market pools of `hours` that are not
/// among `open` yet (floor a quarter of the slot price, half-life 30 min, decay over
/// the 4 hours before the hour).
/// The buyer insures the jobs it posted last hour against failure, 1 gUSD each,
/// at the quote, in one transaction that rides along the devices' phase (so it
/// costs the fleet's hour no block of its own); the pool pays on its own when a
/// job fails verification or expires unserved.
async fn cover_jobs(client: &RpcClient, buyer: &mut Wallet, jobs: Vec<JobId>) -> Result<(), SimError> {
    let mut actions = Vec::new();
    for job in jobs {
        let peril = JobPeril::Failure;
        let q: Quote = client.query(&CoverQuery::JobQuote { job: job.0, peril, sum_insured: JOB_COVER_SUM }).await?;
        if q.within_capacity {
            let max_premium = q.premium + q.premium / 20;
            actions.push(AppAction::Cover(CoverAction::BuyJobCover {
                job: job.0,
                peril,
                sum_insured: JOB_COVER_SUM,
                max_premium,
            }));
        }
    }
    if !actions.is_empty() {
        if let Committed::Refused(why) = buyer.commit(client, actions).await? {
            tracing::debug!(%why, "job cover refused");
        }
    }
    Ok(())
}

async fn open_pools(
    client: &RpcClient,
    maker: &mut Wallet,
    slot_price: u128,
    open: &[String],
    hours: std::ops::RangeInclusive<u64>,
) -> Result<(), SimError> {
    let mut creates = Vec::new();
    for h in hours {
        let slot = format!("slot/home/{h}");
        if !open.contains(&slot) {
            creates.push(AppAction::Market(MarketAction::Create {
                slot: slot.parse().map_err(|e| SimError::Setup(format!("{e}")))?,
                quote: Denom::gusd(),
                floor_wad: slot_price / 4 * 1_000_000_000_000_000_000,
                half_life: 1_800,
                decay_window: 4 * HOUR,
            }));
        }
    }
    if !creates.is_empty() {
        if let Committed::Refused(why) = maker.commit(client, creates).await? {
            tracing::debug!(%why, "opening market pools refused");
        }
    }
    Ok(())
}

/// The running fleet.
pub struct Fleet {
    client: RpcClient,
    chain: ChainId,
    config: FleetConfig,
    devices: Vec<SimDevice>,
    solvers: Semaphore,
    maker: Wallet,
    buyer: Wallet,
    reporter: Wallet,
    /// The next UTC hour to report once it has ended.
    next_hour: u64,
    /// Jobs posted so far (picks each next job's workload and method).
    jobs_posted: u64,
    /// The lending market against home position NFTs, once found or opened.
    lending_market: Option<MarketId>,
    /// The chain day (`hour / 24`) of the governance desk's latest grant proposal.
    grant_day: Option<u64>,
    /// Whether gUSD's direct deposit into the lending market is named or proposed.
    direct_deposit_asked: bool,
    /// The RWA package of the issuer device's positions, once found or created, and
    /// whether the investor's identity claim is on the chain.
    package: Option<PackageId>,
    investor_verified: bool,
    /// Whether the issuer device has left its pool (once per package: the write-down demo).
    issuer_left: bool,
    /// The green compute fund the maker manages, once found or created.
    fund: Option<FundId>,
    /// The ESG fund the reporter manages, once found or created.
    esg_fund: Option<FundId>,
    /// Whether the maker's own identity claim (to bid in the secondary market) is on the chain.
    maker_verified: bool,
    /// Whether the reporter's stake is in the cover pool.
    cover_staked: bool,
    /// Jobs the buyer posted last hour, to cover during this hour's devices phase.
    jobs_to_cover: Vec<JobId>,
    derivatives: derivatives::DerivativesDesk,
    pub totals: Totals,
}

impl Fleet {
    /// Funds the owners from the treasury and registers every device.
    pub async fn start(client: RpcClient, config: FleetConfig, sites: Vec<SiteProfile>) -> Result<Fleet, SimError> {
        if sites.is_empty() {
            return Err(SimError::Setup("no weather sites".into()));
        }
        let status = client.status().await?;
        let chain: ChainId = status.chain_id.parse().map_err(|e| SimError::Setup(format!("chain id: {e}")))?;
        let wallet = |key: &SecretKey| Wallet::new(key.clone(), chain.clone(), status.min_fee);
        let mut treasury = wallet(&config.treasury);
        let sites: Vec<Arc<SiteProfile>> = sites.into_iter().map(Arc::new).collect();
        let mut devices: Vec<SimDevice> = (0..config.devices)
            .map(|i| {
                Ok(SimDevice {
                    index: i,
                    owner: wallet(&SecretKey::from_name(&format!("sim-owner-{i}"))),
                    device_key: SecretKey::from_name(&format!("sim-device-{i}")),
                    manager: EnergyManager::new(
                        ManagerConfig {
                            spec: spec_for(i),
                            // Three in four devices in sunny Greensboro, the rest in Sand Point, Alaska.
                            site: sites[if i % 4 == 3 { 1 % sites.len() } else { 0 }].clone(),
                            prices: config.prices.clone(),
                            grid_g_per_kwh: config.grid_g_per_kwh,
                            // The fleet offers every hour; its managers plan battery and grid.
                            compute_hours_per_day: 24,
                            // A day ahead, renewed 6–17 hours before it runs out: the
                            // fleet's renewals spread over 12 hours, not all in one.
                            horizon_hours: 24,
                            plan_lead_hours: 6 + (i % 12) as u32,
                        },
                        0.0,
                    )?,
                    behaviour: behaviour_for(i),
                    id: None,
                    last_report_end: None,
                    joined: false,
                    position: None,
                    pledged_from: 0,
                    pledged_until: 0,
                    collateral: None,
                    packaged: None,
                    covered_until: 0,
                    worker: greenhour_agent::Worker::new(behaviour_for(i) == Behaviour::Inflating),
                    vault: None,
                    green_wh_today: 0,
                    last_solar_bundle: None,
                    donated_day: None,
                })
            })
            .collect::<Result<_, SimError>>()?;
        // A fleet restarted on its home finds its devices on the chain, as `agent run`
        // does, and goes on from their last accepted report.
        let resumed = bounded(devices.iter_mut().map(|d| d.resume(&client, config.pool))).await;
        let resumed = resumed.into_iter().collect::<Result<Vec<bool>, SimError>>()?.into_iter().filter(|r| *r).count();
        // Each new owner gets up to 1,000 GHR and 1,000 gUSD, less when the treasury
        // cannot fund the whole fleet at that rate (it keeps a share for itself).
        let held = client.account(&treasury.address()).await?.balances;
        let share = |denom: &Denom| {
            let balance = held.iter().find(|c| &c.denom == denom).map_or(0, |c| c.amount);
            (balance / (config.devices as u128 + 1)).min(1_000_000_000)
        };
        let (ghr, gusd) = (share(&Denom::ghr()), share(&Denom::gusd()));
        if ghr == 0 || gusd == 0 {
            return Err(SimError::Setup("the treasury cannot fund the fleet".into()));
        }
        let new_devices: Vec<&SimDevice> = devices.iter().filter(|d| d.id.is_none()).collect();
        for chunk in new_devices.chunks(256) {
            let outputs = chunk
                .iter()
                .map(|d| Output { to: d.owner.address(), coins: vec![Coin::ghr(ghr), Coin::new(Denom::gusd(), gusd)] })
                .collect();
            if let Committed::Refused(why) =
                treasury.commit(&client, vec![AppAction::Bank(BankAction::MultiSend { outputs })]).await?
            {
                return Err(SimError::Setup(format!("funding the fleet: {why}")));
            }
        }
        let registered = bounded(devices.iter_mut().filter(|d| d.id.is_none()).map(|d| {
            let client = &client;
            async move {
                let cell = format!("dn{:05}", d.index % 100_000);
                let register = DevicesAction::Register {
                    key: d.device_key.public_key(),
                    class: DeviceClass::Home,
                    cell: LocationCell::new(cell).map_err(|e| SimError::Setup(e.to_string()))?,
                    nameplate: d.manager.nameplate(),
                };
                match d.owner.commit(client, vec![AppAction::Devices(register)]).await? {
                    Committed::Included(record) => {
                        d.id = DevicesEvent::all_in(&record.events).into_iter().find_map(|e| match e {
                            DevicesEvent::Registered { device, .. } => Some(device),
                            _ => None,
                        });
                        Ok::<_, SimError>(())
                    }
                    Committed::Refused(why) => Err(SimError::Setup(format!("registering device {}: {why}", d.index))),
                }
            }
        }))
        .await;
        registered.into_iter().collect::<Result<Vec<()>, SimError>>()?;
        let now = client.status().await?.latest_block_time;
        // Every device makes its first plan before the first hour, so the fleet's
        // first hour does not pay for thousands of them at once.
        let solvers = Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()));
        // A resumed fleet starts at the earliest hour one of its devices has not
        // reported (each device skips the hours it already reported), so no hour is
        // lost or reported twice.
        let first_hour = devices
            .iter()
            .filter_map(|d| d.last_report_end)
            .min()
            .map_or(now / HOUR, |end| (end / HOUR).min(now / HOUR));
        if resumed > 0 {
            tracing::info!(resumed, first_hour, "fleet resumed its devices from the chain");
        }
        let planned = bounded(devices.iter_mut().map(|d| d.plan_if_due(first_hour, &solvers))).await;
        let plans_made =
            planned.into_iter().collect::<Result<Vec<bool>, SimError>>()?.into_iter().filter(|p| *p).count();
        Ok(Fleet {
            maker: wallet(&config.maker),
            buyer: wallet(&config.buyer),
            reporter: wallet(&config.reporter),
            client,
            chain,
            config,
            devices,
            solvers,
            next_hour: first_hour,
            jobs_posted: 0,
            lending_market: None,
            grant_day: None,
            direct_deposit_asked: false,
            package: None,
            investor_verified: false,
            issuer_left: false,
            fund: None,
            esg_fund: None,
            maker_verified: false,
            cover_staked: false,
            jobs_to_cover: Vec::new(),
            derivatives: Default::default(),
            totals: Totals { plans_made: plans_made as u64, ..Totals::default() },
        })
    }

    pub fn devices(&self) -> usize {
        self.devices.len()
    }

    /// Does the work of the oldest hour that has ended and not been handled yet:
    /// telemetry, pool entry and pledges, market pools, liquidity and the buyer's
    /// purchase. Returns its summary, or `None` when no hour is due. A fleet that
    /// falls behind the clock catches up one hour per call.
    pub async fn step(&mut self) -> Result<Option<HourSummary>, SimError> {
        let now = self.client.status().await?.latest_block_time;
        if now < (self.next_hour + 1) * HOUR {
            return Ok(None);
        }
        let summary = self.hour(self.next_hour, now / HOUR).await?;
        self.next_hour += 1;
        Ok(Some(summary))
    }

    /// How many ended hours wait to be handled.
    pub async fn behind(&self) -> Result<u64, SimError> {
        let now = self.client.status().await?.latest_block_time;
        Ok((now / HOUR).saturating_sub(self.next_hour))
    }

    /// One hour in few block waits: every device (concurrently) plans, reports,
    /// provides a slot of the hour two ahead, joins and pledges when due and
    /// submits what its jobs owe, while the maker opens the coming hours' pools;
    /// then the buyer buys and posts jobs.
    async fn hour(&mut self, hour: u64, now_hour: u64) -> Result<HourSummary, SimError> {
        let provide_hour = now_hour + 2;
        let open: Vec<String> = self.client.market_pools().await?.iter().map(|p| p.pool.slot.to_string()).collect();
        // The pool the devices provide to was opened an hour ago (as the third
        // ahead), so the maker opens the next ones while the devices work; only a
        // fleet's first hour waits for it.
        let provide_pool_open = open.contains(&format!("slot/home/{provide_hour}"));
        let (client, price) = (&self.client, self.config.slot_price);
        if !provide_pool_open {
            open_pools(client, &mut self.maker, price, &open, now_hour + 1..=now_hour + 3).await?;
        }
        let (maker, feeds) = (&mut self.maker, &self.config.feeds);
        let opening = async move {
            if provide_pool_open {
                open_pools(client, maker, price, &open, now_hour + 1..=now_hour + 3).await?;
            }
            report_feeds(client, maker, feeds, now_hour).await
        };
        let reporting = report_feeds(client, &mut self.reporter, feeds, now_hour);
        let covering = cover_jobs(client, &mut self.buyer, std::mem::take(&mut self.jobs_to_cover));
        let ctx = HourCtx {
            client: &self.client,
            chain: &self.chain,
            solvers: &self.solvers,
            pool: self.config.pool,
            hour,
            now_hour,
            provide_hour,
            provide_price: self.config.slot_price,
            lending_market: self.lending_market,
            package: self.package,
            certificate_sink: self.config.certificate_sink,
        };
        let working = bounded(self.devices.iter_mut().map(|d| async move {
            let mut t = Totals::default();
            let energy = d.hour_work(&ctx, &mut t).await?;
            if let Some(e) = &energy {
                d.green_wh_today += e.generated_wh.min(e.compute_wh);
            }
            t.results_submitted += d.submit_due(ctx.client, now_hour * HOUR).await?;
            Ok::<_, SimError>((energy, t))
        }));
        let (opened, reported, covered, results) = tokio::join!(opening, reporting, covering, working);
        opened?;
        reported?;
        covered?;
        let mut summary = HourSummary {
            hour,
            height: 0,
            reporting: 0,
            generated_wh: 0,
            compute_wh: 0,
            ev_wh: 0,
            imported_wh: 0,
            exported_wh: 0,
            charged_wh: 0,
            discharged_wh: 0,
            plans_made: 0,
            totals: Totals::default(),
            index_price_wad: None,
            index_green_share_bps: 0,
            lending_supplied: 0,
            lending_borrowed: 0,
            lending_income_repaid: 0,
            gusd_supply: 0,
            gusd_vault_debt: 0,
            gusd_collateral_ratio_bps: None,
            gusd_direct_minted: 0,
            gusd_green_compute_bps: 0,
            rwa_nav: None,
            rwa_reserve: 0,
            rwa_income: 0,
            rwa_coupons: 0,
            rwa_senior_units: 0,
            rwa_junior_value: None,
            fund_assets: None,
            fund_price_wad: None,
            fund_cash: 0,
            esg_assets: None,
            esg_carbon: 0,
            fund_queued_shares: 0,
            cover_capital: 0,
            cover_locked: 0,
            cover_payouts: 0,
            cover_events_paid: 0,
            covers_sold: 0,
            derivatives: None,
        };
        for result in results {
            let (energy, t) = result?;
            summary.plans_made += t.plans_made;
            self.totals.add(&t);
            if let Some(e) = energy {
                summary.reporting += 1;
                summary.generated_wh += e.generated_wh;
                summary.compute_wh += e.compute_wh;
                summary.ev_wh += e.ev_wh;
                summary.imported_wh += e.imported_wh;
                summary.exported_wh += e.exported_wh;
                summary.charged_wh += e.charged_wh;
                summary.discharged_wh += e.discharged_wh;
            }
        }
        // The devices' phase takes blocks: the buyer acts on the chain's hour now.
        let now_hour = self.client.status().await?.latest_block_time / HOUR;
        self.buy(now_hour, provide_hour).await?;
        self.post_jobs(now_hour).await?;
        if let Some(market) = self.lend().await? {
            summary.lending_supplied = market.totals.supply_assets;
            summary.lending_borrowed = market.totals.borrow_assets;
            summary.lending_income_repaid = market.totals.income_repaid;
        }
        self.govern(now_hour).await?;
        if let Some(v) = self.issue_package(now_hour).await? {
            summary.rwa_nav = v.nav;
            summary.rwa_reserve = v.book.reserve;
            summary.rwa_income = v.book.income;
            summary.rwa_coupons = v.book.coupons;
            summary.rwa_senior_units = v.tranches.first().map_or(0, |t| t.tranche.units);
            summary.rwa_junior_value = v.tranches.last().and_then(|t| t.value);
            if let Some(f) = self.run_fund(now_hour, v.package.id).await? {
                summary.fund_assets = f.total_assets;
                summary.fund_price_wad = f.price_per_share_wad;
                summary.fund_cash = f.idle;
                summary.fund_queued_shares = f.book.queued_shares;
            }
        }
        if let Some(p) = self.run_cover(now_hour).await? {
            summary.cover_capital = p.pool.capital;
            summary.cover_locked = p.pool.locked;
            summary.cover_payouts = p.pool.payouts;
            summary.cover_events_paid = p.pool.events_paid;
            summary.covers_sold = p.pool.covers_sold;
        }
        if let Some(f) = self.run_esg(now_hour).await? {
            summary.esg_assets = f.total_assets;
            summary.esg_carbon = f.carbon;
        }
        summary.derivatives = self.run_derivatives(now_hour).await?;
        if let Some(reserve) = self.mint_gusd(now_hour).await? {
            summary.gusd_supply = reserve.supply;
            summary.gusd_vault_debt = reserve.vault_debt;
            summary.gusd_collateral_ratio_bps = reserve.collateral_ratio_bps;
            summary.gusd_direct_minted = reserve.direct_minted;
            summary.gusd_green_compute_bps = reserve.green_compute_bps;
        }
        let status = self.client.status().await?;
        summary.height = status.height;
        if let Some(v) = self.client.index(Some("home"), Some("ugusd")).await?.into_iter().next() {
            summary.index_price_wad = v.price_wad;
            summary.index_green_share_bps = v.green_share_bps;
        }
        summary.totals = self.totals.clone();
        Ok(summary)
    }

    /// The buyer takes a slot per ten devices in each hour from the next one still
    /// trading through `last_hour` (the hour the devices just provided; two hours
    /// at most), no more than a quarter of what any of those pools holds, in one
    /// `BuyHours`.
    async fn buy(&mut self, now_hour: u64, last_hour: u64) -> Result<(), SimError> {
        let first_hour = (now_hour + 1).max(last_hour.saturating_sub(1));
        if first_hour > last_hour {
            return Ok(());
        }
        let hours = (last_hour - first_hour + 1) as u32;
        let first = format!("slot/home/{first_hour}");
        let mut held = u128::MAX;
        for h in first_hour..=last_hour {
            held = held.min(self.client.market_pool(&format!("slot/home/{h}")).await.map_or(0, |p| p.pool.x));
        }
        let per_hour = (self.devices.len() as u128 / 10).max(1).min(held / 4);
        if per_hour == 0 {
            return Ok(());
        }
        let route = self.client.market_route(&first, hours, per_hour, Some("ugusd")).await;
        if let Err(e) = &route {
            tracing::debug!(%e, "no route for the buyer");
        }
        if let Ok(route) = route {
            let total: u128 = route["total"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0);
            let buy = MarketAction::BuyHours {
                first_slot: first.parse().map_err(|e| SimError::Setup(format!("{e}")))?,
                hours,
                slots_per_hour: per_hour,
                quote: Denom::gusd(),
                max_total: total + total / 20,
                deadline: first_hour * HOUR,
            };
            match self.buyer.commit(&self.client, vec![AppAction::Market(buy)]).await? {
                Committed::Included(_) => {
                    self.totals.bought_slots += hours as u64 * per_hour as u64;
                    self.totals.bought_quote += total;
                    // The hedge report compares a day's spot purchases with its future.
                    let spot = self.derivatives.spot_by_day.entry(first_hour / 24).or_default();
                    spot.0 += u128::from(hours) * per_hour;
                    spot.1 += total;
                }
                Committed::Refused(why) => tracing::debug!(%why, "purchase refused"),
            }
        }
        Ok(())
    }

    /// The lending desk (fleets of 20 devices or more): the maker opens the market against home position NFTs
    /// (gUSD at 50 % LLTV) once; the reporter, as the lender, supplies a seed of
    /// 1,000 gUSD once and asks governance to point gUSD's direct deposit at the
    /// market, which then mints what its borrowers need; one device in five (the first 40 of them) pledges its position NFT and
    /// borrows 40 % of what it may, and repays and takes the NFT back before the
    /// LLTV starts to decay, except one borrower in two, who forgets, so the loan
    /// becomes liquidatable by time alone and the maker, as the liquidator, buys the
    /// NFT. Returns the market after the hour.
    async fn lend(&mut self) -> Result<Option<MarketView>, SimError> {
        if self.devices.len() < LENDING_MIN_FLEET {
            return Ok(None);
        }
        let client = self.client.clone();
        let market = match self.lending_market {
            Some(m) => m,
            None => {
                let home = Collateral::Positions { class: DeviceClass::Home };
                let find = |markets: Vec<MarketView>| {
                    markets
                        .into_iter()
                        .find(|m| m.market.collateral == home && m.market.loan == Denom::gusd())
                        .map(|m| m.market.id)
                };
                let mut found = find(client.query(&LendingQuery::Markets {}).await?);
                if found.is_none() {
                    let create = LendingAction::CreateMarket {
                        loan: Denom::gusd(),
                        collateral: home.clone(),
                        lltv_wad: LLTV_WAD,
                    };
                    if let Committed::Refused(why) =
                        self.maker.commit(&client, vec![AppAction::Lending(create)]).await?
                    {
                        tracing::debug!(%why, "lending market refused");
                        return Ok(None);
                    }
                    found = find(client.query(&LendingQuery::Markets {}).await?);
                }
                let Some(id) = found else { return Ok(None) };
                let lender: PositionView =
                    client.query(&LendingQuery::Position { market: id.0, owner: self.reporter.address() }).await?;
                if lender.supply_assets == 0 {
                    let supply = LendingAction::Supply { market: id, assets: LENDER_SUPPLY };
                    if let Committed::Refused(why) =
                        self.reporter.commit(&client, vec![AppAction::Lending(supply)]).await?
                    {
                        tracing::debug!(%why, "lending supply refused");
                    }
                }
                self.lending_market = Some(id);
                id
            }
        };
        if !self.direct_deposit_asked {
            self.direct_deposit_asked = self.ask_direct_deposit(market).await?;
        }
        let now_hour = client.status().await?.latest_block_time / HOUR;
        let borrowers = self.devices.iter_mut().filter(|d| d.index % 5 == 1).take(MAX_BORROWERS);
        let results = bounded(borrowers.map(|d| {
            let client = &client;
            async move {
                let mut t = Totals::default();
                let view: PositionView =
                    client.query(&LendingQuery::Position { market: market.0, owner: d.owner.address() }).await?;
                // Liquidated (or never pledged): the device is free to pledge again.
                if d.collateral.is_some_and(|s| !view.position.pledged.contains(&s)) {
                    d.collateral = None;
                }
                let serial = match d.collateral {
                    Some(serial) => serial,
                    None => {
                        let Some(serial) = d.position.filter(|_| d.pledged_until >= now_hour + 16) else {
                            return Ok::<_, SimError>(t);
                        };
                        // Pledge and borrow 40 % of what the NFT secures, in one transaction.
                        let quote: Result<PledgedView, _> =
                            client.query(&LendingQuery::NftValue { market: market.0, serial }).await;
                        let assets = quote.map_or(0, |q| q.value.saturating_mul(q.lltv_wad) / WAD * 2 / 5);
                        let mut actions = vec![AppAction::Lending(LendingAction::Pledge { market, serial })];
                        if assets > 0 {
                            actions.push(AppAction::Lending(LendingAction::Borrow { market, assets }));
                        }
                        match d.owner.commit(client, actions).await? {
                            Committed::Included(_) => {
                                d.collateral = Some(serial);
                                t.loans_taken += u64::from(assets > 0);
                                return Ok(t);
                            }
                            Committed::Refused(why) => {
                                tracing::debug!(device = d.index, %why, "pledge to lending refused");
                                return Ok(t);
                            }
                        }
                    }
                };
                let view: PositionView =
                    client.query(&LendingQuery::Position { market: market.0, owner: d.owner.address() }).await?;
                let expires_at = view.pledged.iter().find(|p| p.serial == serial).map_or(0, |p| p.expires_at);
                if expires_at > (now_hour + REPAY_LEAD_HOURS) * HOUR {
                    // Borrow once the index prices the NFT (a market's first hours have no fills).
                    let assets = view.borrow_limit.unwrap_or(0).saturating_sub(view.debt) * 2 / 5;
                    if view.position.borrow_shares == 0 && assets > 0 {
                        let borrow = LendingAction::Borrow { market, assets };
                        match d.owner.commit(client, vec![AppAction::Lending(borrow)]).await? {
                            Committed::Included(_) => t.loans_taken += 1,
                            Committed::Refused(why) => tracing::debug!(device = d.index, %why, "borrow refused"),
                        }
                    }
                    return Ok(t);
                }
                if d.index % 10 == 1 && view.position.borrow_shares > 0 {
                    // This borrower forgets: time alone will make the loan liquidatable.
                    return Ok(t);
                }
                let mut actions = Vec::new();
                if view.position.borrow_shares > 0 {
                    let shares = Size::Shares(view.position.borrow_shares);
                    actions.push(AppAction::Lending(LendingAction::Repay { market, amount: shares }));
                }
                actions.push(AppAction::Lending(LendingAction::Release { market, serial }));
                match d.owner.commit(client, actions).await? {
                    Committed::Included(_) => {
                        d.collateral = None;
                        t.loans_repaid += u64::from(view.position.borrow_shares > 0);
                    }
                    Committed::Refused(why) => tracing::debug!(device = d.index, %why, "repayment refused"),
                }
                Ok(t)
            }
        }))
        .await;
        for r in results {
            self.totals.add(&r?);
        }
        // The liquidator takes every NFT whose loan time or price has made unhealthy.
        let due: Vec<PositionView> = client.query(&LendingQuery::Liquidatable { market: market.0 }).await?;
        for view in due {
            for serial in view.position.pledged {
                let liquidate =
                    LendingAction::Liquidate { market, borrower: view.owner, repay: 0, serial: Some(serial) };
                match self.maker.commit(&client, vec![AppAction::Lending(liquidate)]).await? {
                    Committed::Included(_) => self.totals.liquidations += 1,
                    Committed::Refused(why) => tracing::debug!(%why, "liquidation refused"),
                }
            }
        }
        Ok(Some(client.query(&LendingQuery::Market { id: market.0 }).await?))
    }

    /// The gUSD desk: one device in five opens a vault against GHR at about 180 %
    /// (rates spread from 1 % to 10 %, so redemptions have an order to follow); the
    /// careful half of them add collateral when the ratio nears the minimum, the
    /// others do nothing; the reporter keeps gUSD in the stability pool; every six
    /// hours the buyer redeems gUSD for GHR; the maker liquidates every vault below
    /// the minimum. Returns the reserve after it, `None` while GHR has no trusted price.
    async fn mint_gusd(&mut self, now_hour: u64) -> Result<Option<Reserve>, SimError> {
        if self.devices.len() < LENDING_MIN_FLEET {
            return Ok(None);
        }
        let client = self.client.clone();
        let reserve: Reserve = client.query(&StableQuery::Reserve {}).await?;
        let Some(ghr) = reserve.branches.iter().find(|b| b.denom == Denom::ghr()) else { return Ok(None) };
        let Some(price) = ghr.price_wad else { return Ok(None) };
        let deposit: DepositView = client.query(&StableQuery::Deposit { owner: self.reporter.address() }).await?;
        if deposit.gusd < STABILITY_DEPOSIT / 2 {
            let top_up = StableAction::PoolDeposit { amount: STABILITY_DEPOSIT - deposit.gusd };
            if let Committed::Refused(why) = self.reporter.commit(&client, vec![AppAction::Stable(top_up)]).await? {
                tracing::debug!(%why, "stability pool deposit refused");
            }
        }
        let borrowers = self.devices.iter_mut().filter(|d| d.index % 5 == 2).take(MAX_VAULTS);
        let results = bounded(borrowers.map(|d| {
            let client = &client;
            async move {
                let mut t = Totals::default();
                let vaults: Vec<VaultView> = client.query(&StableQuery::Vaults { owner: d.owner.address() }).await?;
                // A resumed fleet finds its vault; a liquidated one is gone.
                d.vault = vaults.iter().find(|v| v.vault.debt > 0).map(|v| v.vault.id);
                match (d.vault, vaults.iter().find(|v| Some(v.vault.id) == d.vault)) {
                    (Some(id), Some(v)) => {
                        let careful = d.index % 10 == 2;
                        if careful && v.ratio_bps.is_some_and(|r| r < 16_500) {
                            let add = StableAction::Deposit { vault: id, amount: VAULT_GHR / 3 };
                            match d.owner.commit(client, vec![AppAction::Stable(add)]).await? {
                                Committed::Included(_) => t.vaults_topped_up += 1,
                                Committed::Refused(why) => {
                                    tracing::debug!(device = d.index, %why, "vault top-up refused")
                                }
                            }
                        }
                    }
                    _ => {
                        let value = VAULT_GHR.saturating_mul(price) / WAD;
                        let debt = value * 10_000 / VAULT_OPEN_RATIO_BPS;
                        let rate_bps = 100 + (d.index as u32 % 7) * 150;
                        let open = StableAction::Open { denom: Denom::ghr(), collateral: VAULT_GHR, debt, rate_bps };
                        match d.owner.commit(client, vec![AppAction::Stable(open)]).await? {
                            Committed::Included(_) => t.vaults_opened += 1,
                            Committed::Refused(why) => tracing::debug!(device = d.index, %why, "vault refused"),
                        }
                    }
                }
                Ok::<_, SimError>(t)
            }
        }))
        .await;
        for r in results {
            self.totals.add(&r?);
        }
        if now_hour.is_multiple_of(6) && reserve.vault_debt > REDEMPTION {
            let redeem = StableAction::Redeem { denom: Denom::ghr(), amount: REDEMPTION, max_fee_bps: 500 };
            match self.buyer.commit(&client, vec![AppAction::Stable(redeem)]).await? {
                Committed::Included(_) => self.totals.redemptions += 1,
                Committed::Refused(why) => tracing::debug!(%why, "redemption refused"),
            }
        }
        let due: Vec<VaultView> = client.query(&StableQuery::Liquidatable { denom: Denom::ghr() }).await?;
        for v in due {
            let liquidate = StableAction::Liquidate { vault: v.vault.id };
            match self.maker.commit(&client, vec![AppAction::Stable(liquidate)]).await? {
                Committed::Included(_) => self.totals.vault_liquidations += 1,
                Committed::Refused(why) => tracing::debug!(%why, "vault liquidation refused"),
            }
        }
        Ok(Some(client.query(&StableQuery::Reserve {}).await?))
    }

    /// The governance desk (fleets of 20 devices or more): once a chain day the
    /// reporter proposes a community-pool grant of 100 GHR to the owner of the
    /// device whose own PV covered the most compute energy that day, with the
    /// minimum deposit; the reporter and the maker (two of the devnet's four
    /// validators) vote yes, so it passes, waits out the timelock and pays.
    async fn govern(&mut self, now_hour: u64) -> Result<(), SimError> {
        if self.devices.len() < LENDING_MIN_FLEET {
            return Ok(());
        }
        let day = now_hour / 24;
        if self.grant_day.is_none_or(|d| d < day) {
            let winner = self.devices.iter().max_by_key(|d| (d.green_wh_today, std::cmp::Reverse(d.index)));
            let winner =
                winner.filter(|d| d.green_wh_today > 0).map(|d| (d.index, d.owner.address(), d.green_wh_today));
            for d in &mut self.devices {
                d.green_wh_today = 0;
            }
            self.grant_day = Some(day);
            if let Some((index, owner, wh)) = winner {
                let proposed = self
                    .propose_and_vote(
                        format!("{GRANT_TITLE} the greenest device of day {day}"),
                        format!("Device {index}'s own PV covered {wh} Wh of its compute, the most in the fleet."),
                        vec![ProposalMessage::CommunitySpend { to: owner, coins: vec![Coin::ghr(GRANT)] }],
                        false,
                    )
                    .await?;
                self.totals.grants_proposed += u64::from(proposed);
            }
        }
        let me = self.reporter.address();
        let executed: Vec<Proposal> =
            self.client.query(&GovernanceQuery::Proposals { status: Some("executed".into()), from: None }).await?;
        self.totals.grants_paid =
            executed.iter().filter(|p| p.proposer == me && p.title.starts_with(GRANT_TITLE)).count() as u64;
        Ok(())
    }

    /// The RWA desk (fleets of 20 devices or more): the owner of device 3, a small
    /// operator's SPV, issues a package of its own positions — a senior tranche at
    /// an 8 % coupon keeping 20 % subordination, and the junior it keeps — and puts
    /// each new position into it; the maker, the devnet's KYC provider, verifies the
    /// reporter in Singapore, who subscribes 200 gUSD to the senior every hour up to
    /// 5,000 gUSD and collects its coupons; every six hours the issuer redeems a fifth
    /// of its junior units (the cash the senior brought, as far as the subordination
    /// lets it). Returns the package after the hour.
    async fn issue_package(&mut self, now_hour: u64) -> Result<Option<PackageView>, SimError> {
        if self.devices.len() < LENDING_MIN_FLEET {
            return Ok(None);
        }
        let client = self.client.clone();
        let Some(issuer) = self.devices.iter().position(|d| d.index == RWA_ISSUER_DEVICE) else { return Ok(None) };
        let investor = self.reporter.address();
        if !self.investor_verified {
            let id: IdentityView = client.query(&RwaQuery::Identity { subject: investor }).await?;
            if !id.verified {
                let claim = RwaAction::Claim {
                    subject: investor,
                    jurisdiction: "SG".into(),
                    accredited: true,
                    expires_at: (now_hour + 24 * 365) * HOUR,
                };
                if let Committed::Refused(why) = self.maker.commit(&client, vec![AppAction::Rwa(claim)]).await? {
                    tracing::debug!(%why, "identity claim refused");
                    return Ok(None);
                }
            }
            self.investor_verified = true;
        }
        let owner = self.devices[issuer].owner.address();
        let package = match self.package {
            Some(id) => id,
            None => {
                let find = |all: Vec<PackageView>| all.into_iter().find(|p| p.package.issuer == owner);
                let mut found = find(client.query(&RwaQuery::Packages {}).await?);
                if found.is_none() {
                    let create = RwaAction::CreatePackage {
                        name: "Greenhour rooftops 3".into(),
                        legal_name: "Greenhour Rooftops 3 SPV Pte. Ltd.".into(),
                        jurisdiction: "SG".into(),
                        documents: vec![],
                        class: DeviceClass::Home,
                        tranches: vec![
                            TrancheTerms { name: "senior".into(), coupon_bps: 800, min_subordination_bps: 2_000 },
                            TrancheTerms { name: "junior".into(), coupon_bps: 0, min_subordination_bps: 0 },
                        ],
                        rules: Rules {
                            allowed_jurisdictions: vec!["SG".into(), "AE".into(), "HK".into()],
                            ..Rules::default()
                        },
                        epoch_secs: HOUR,
                        fee_bps: 100,
                        maturity: (now_hour + 24 * 90) * HOUR,
                    };
                    let d = &mut self.devices[issuer];
                    if let Committed::Refused(why) = d.owner.commit(&client, vec![AppAction::Rwa(create)]).await? {
                        tracing::debug!(%why, "package refused");
                        return Ok(None);
                    }
                    found = find(client.query(&RwaQuery::Packages {}).await?);
                }
                let Some(found) = found else { return Ok(None) };
                // A resumed fleet finds its position already in custody.
                let d = &mut self.devices[issuer];
                d.packaged = d.position.filter(|p| found.package.assets.contains(p));
                self.package = Some(found.package.id);
                found.package.id
            }
        };
        let mut totals = Totals::default();
        let d = &mut self.devices[issuer];
        if let Some(position) = d.position.filter(|p| !d.away(*p) && d.pledged_until > now_hour + 2) {
            let add = RwaAction::AddAsset { package, serial: position };
            match d.owner.commit(&client, vec![AppAction::Rwa(add)]).await? {
                Committed::Included(_) => {
                    d.packaged = Some(position);
                    totals.package_assets += 1;
                }
                Committed::Refused(why) => tracing::debug!(%why, "package asset refused"),
            }
        }
        if now_hour.is_multiple_of(6) {
            let junior: HoldingView =
                client.query(&RwaQuery::Holding { package: package.0, tranche: 1, holder: owner }).await?;
            let units = junior.holding.units / 5;
            if units > 0 && junior.order.redeem == 0 {
                let redeem = RwaAction::Redeem { package, tranche: 1, units };
                match d.owner.commit(&client, vec![AppAction::Rwa(redeem)]).await? {
                    Committed::Included(_) => totals.junior_redemptions += 1,
                    Committed::Refused(why) => tracing::debug!(%why, "junior redemption refused"),
                }
            }
        }
        let senior: HoldingView =
            client.query(&RwaQuery::Holding { package: package.0, tranche: 0, holder: investor }).await?;
        let mut actions = Vec::new();
        let subscribing = senior.holding.units + senior.order.invest < RWA_TARGET;
        if subscribing {
            actions.push(AppAction::Rwa(RwaAction::Invest { package, tranche: 0, amount: RWA_SUBSCRIPTION }));
        }
        if senior.payout_due > 0 {
            actions.push(AppAction::Rwa(RwaAction::ClaimPayout { package, tranche: 0 }));
        }
        if !actions.is_empty() {
            match self.reporter.commit(&client, actions).await? {
                Committed::Included(_) => {
                    totals.subscriptions += u64::from(subscribing);
                    totals.payouts_claimed += u64::from(senior.payout_due > 0);
                }
                Committed::Refused(why) => tracing::debug!(%why, "subscription refused"),
            }
        }
        let view: PackageView = client.query(&RwaQuery::Package { id: package.0 }).await?;
        self.trade_senior(now_hour, package, &view, &mut totals).await?;
        if !self.issuer_left && view.book.epoch >= RWA_ISSUER_LEAVES_AT_EPOCH {
            self.issuer_left = self.issuer_leaves(package, issuer, &view).await?;
            totals.package_write_downs += u64::from(self.issuer_left);
        }
        self.totals.add(&totals);
        Ok(Some(client.query(&RwaQuery::Package { id: package.0 }).await?))
    }

    /// The secondary market (with the package): the maker, verified by itself as the
    /// devnet's KYC provider, keeps a bid for 20 gUSD of senior units half a percent
    /// under the tranche's price; every six hours the investor sells 10 gUSD of its
    /// units into the book at no less than 1 % under the price (what is not filled
    /// is not left resting).
    async fn trade_senior(
        &mut self,
        now_hour: u64,
        package: PackageId,
        view: &PackageView,
        totals: &mut Totals,
    ) -> Result<(), SimError> {
        let Some(price) = view.tranches.first().and_then(|t| t.price_wad) else { return Ok(()) };
        let client = self.client.clone();
        let maker = self.maker.address();
        if !self.maker_verified {
            let id: IdentityView = client.query(&RwaQuery::Identity { subject: maker }).await?;
            if !id.verified {
                let claim = RwaAction::Claim {
                    subject: maker,
                    jurisdiction: "SG".into(),
                    accredited: true,
                    expires_at: (now_hour + 24 * 365) * HOUR,
                };
                if let Committed::Refused(why) = self.maker.commit(&client, vec![AppAction::Rwa(claim)]).await? {
                    tracing::debug!(%why, "maker identity refused");
                    return Ok(());
                }
            }
            self.maker_verified = true;
        }
        let book: OfferBook = client.query(&RwaQuery::Book { package: package.0, tranche: 0 }).await?;
        if !book.bids.iter().any(|o| o.owner == maker) {
            let bid = price - price / 200;
            let units = SECONDARY_BID * WAD_UNIT / bid.max(1);
            let action = RwaAction::PlaceOffer {
                package,
                tranche: 0,
                side: Side::Buy,
                units,
                price_wad: bid,
                immediate_only: false,
            };
            count_fills(self.maker.commit(&client, vec![AppAction::Rwa(action)]).await?, totals);
        }
        if now_hour % 6 == 3 {
            let investor = self.reporter.address();
            let mine: HoldingView =
                client.query(&RwaQuery::Holding { package: package.0, tranche: 0, holder: investor }).await?;
            let free = mine.holding.units - mine.holding.listed.min(mine.holding.units);
            let units = (SECONDARY_SALE * WAD_UNIT / price.max(1)).min(free);
            if units > 0 {
                let floor = price - price / 100;
                let action = RwaAction::PlaceOffer {
                    package,
                    tranche: 0,
                    side: Side::Sell,
                    units,
                    price_wad: floor,
                    immediate_only: true,
                };
                count_fills(self.reporter.commit(&client, vec![AppAction::Rwa(action)]).await?, totals);
            }
        }
        Ok(())
    }

    /// The cover desk (fleets of 10 devices or more): the reporter stakes 2,000 gUSD
    /// in the downtime pool once; the owner of every flaky device (offline one hour
    /// in seven) covers its next day, 0.5 gUSD an hour, at the quote, and the pool
    /// pays for each covered hour the device goes silent. Returns the pool after the hour.
    async fn run_cover(&mut self, now_hour: u64) -> Result<Option<PoolView>, SimError> {
        if self.devices.len() < COVER_MIN_FLEET {
            return Ok(None);
        }
        let client = self.client.clone();
        if !self.cover_staked {
            let me = self.reporter.address();
            let stake: StakeView = client.query(&CoverQuery::Stake { staker: me }).await?;
            if stake.shares == 0 {
                let action = CoverAction::Stake { amount: COVER_STAKE, min_shares: 0 };
                if let Committed::Refused(why) = self.reporter.commit(&client, vec![AppAction::Cover(action)]).await? {
                    tracing::debug!(%why, "cover stake refused");
                    return Ok(None);
                }
            }
            self.cover_staked = true;
        }
        let flaky: Vec<usize> = (0..self.devices.len())
            .filter(|i| {
                let d = &self.devices[*i];
                d.behaviour == Behaviour::Flaky && d.id.is_some() && d.covered_until <= now_hour + 2
            })
            .collect();
        for i in flaky {
            let d = &mut self.devices[i];
            let Some(device) = d.id else { continue };
            if d.covered_until == 0 {
                // A resumed fleet: the newest cover says how far the device is covered.
                let covers: Vec<Cover> = client.query(&CoverQuery::Covers { holder: d.owner.address() }).await?;
                let downtime = covers.iter().find(|c| matches!(c.peril, greenhour_cover::Peril::Downtime { .. }));
                d.covered_until = downtime.map_or(0, |c| c.end_hour());
                if d.covered_until > now_hour + 2 {
                    continue;
                }
            }
            let quote: Quote = client
                .query(&CoverQuery::Quote { device: device.0, hours: COVER_HOURS, per_hour: COVER_PER_HOUR })
                .await?;
            if !quote.within_capacity {
                continue;
            }
            let first_hour = (now_hour + 2).max(d.covered_until);
            let buy = CoverAction::Buy {
                device,
                first_hour,
                hours: COVER_HOURS,
                per_hour: COVER_PER_HOUR,
                max_premium: quote.premium + quote.premium / 20,
            };
            match d.owner.commit(&client, vec![AppAction::Cover(buy)]).await? {
                Committed::Included(_) => d.covered_until = first_hour + u64::from(COVER_HOURS),
                Committed::Refused(why) => tracing::debug!(device = d.index, %why, "cover refused"),
            }
        }
        Ok(Some(client.query(&CoverQuery::Pool {}).await?))
    }

    /// The fund desk (with the RWA package): the maker manages a green compute fund
    /// (1 % a year, 10 % of gains) and, as the devnet's KYC provider, verifies its
    /// custody so it may hold tranches; the buyer deposits 100 gUSD an hour up to
    /// 1,000 and every eight hours redeems a tenth of its shares (from the cash, or
    /// queued when the cash is short); the manager keeps a tenth of the fund as cash and orders the
    /// rest into the package's senior tranche once its last order has filled.
    /// Returns the fund after the hour.
    async fn run_fund(&mut self, now_hour: u64, package: PackageId) -> Result<Option<FundView>, SimError> {
        let client = self.client.clone();
        let manager = self.maker.address();
        let id = match self.fund {
            Some(id) => id,
            None => {
                let find = |all: Vec<FundView>| all.into_iter().find(|f| f.fund.manager == manager).map(|f| f.fund.id);
                let mut found = find(client.query(&FundsQuery::Funds {}).await?);
                if found.is_none() {
                    let create = FundsAction::Create {
                        name: "Greenhour green compute fund".into(),
                        mandate: Mandate::GreenCompute,
                        management_fee_bps: 100,
                        performance_fee_bps: 1_000,
                        verified_only: false,
                    };
                    if let Committed::Refused(why) = self.maker.commit(&client, vec![AppAction::Funds(create)]).await? {
                        tracing::debug!(%why, "fund refused");
                        return Ok(None);
                    }
                    found = find(client.query(&FundsQuery::Funds {}).await?);
                }
                let Some(id) = found else { return Ok(None) };
                let claim = RwaAction::Claim {
                    subject: greenhour_funds::api::custody(id),
                    jurisdiction: "SG".into(),
                    accredited: true,
                    expires_at: (now_hour + 24 * 365) * HOUR,
                };
                if let Committed::Refused(why) = self.maker.commit(&client, vec![AppAction::Rwa(claim)]).await? {
                    tracing::debug!(%why, "fund identity refused");
                }
                self.fund = Some(id);
                id
            }
        };
        let buyer = self.buyer.address();
        let mine: SharesView = client.query(&FundsQuery::Shares { fund: id.0, holder: buyer }).await?;
        let mut actions = Vec::new();
        if mine.worth.unwrap_or(0) < FUND_TARGET {
            actions.push(AppAction::Funds(FundsAction::Deposit { fund: id, assets: FUND_DEPOSIT, min_shares: 0 }));
        }
        for action in actions {
            if let Committed::Refused(why) = self.buyer.commit(&client, vec![action]).await? {
                tracing::debug!(%why, "fund deposit refused");
            }
        }
        if now_hour.is_multiple_of(FUND_REDEEM_EVERY_HOURS) && mine.shares >= 10 {
            // Paid now from the cash if it can be, else queued for the cash to come.
            let shares = mine.shares / 10;
            let now = FundsAction::Redeem { fund: id, shares, min_assets: 0 };
            if let Committed::Refused(why) = self.buyer.commit(&client, vec![AppAction::Funds(now)]).await? {
                tracing::debug!(%why, "redemption queued instead");
                let queue = FundsAction::RequestRedeem { fund: id, shares };
                if let Committed::Refused(why) = self.buyer.commit(&client, vec![AppAction::Funds(queue)]).await? {
                    tracing::debug!(%why, "redemption request refused");
                }
            }
        }
        let view: FundView = client.query(&FundsQuery::Fund { id: id.0 }).await?;
        // One order at a time: while the last one waits (the senior is held to its
        // subordination), more cash would only wait beside it and pay fees for nothing.
        let waiting = view.holdings.iter().any(|h| h.worth.as_ref().is_some_and(|w| w.investing > 0));
        if let (Some(total), false) = (view.total_assets, waiting) {
            let buffer = total * FUND_CASH_BUFFER_BPS / 10_000;
            let invest = view.idle.saturating_sub(buffer);
            if invest > 0 {
                let allocate = FundsAction::Allocate { fund: id, package, tranche: 0, invest, redeem: 0 };
                if let Committed::Refused(why) = self.maker.commit(&client, vec![AppAction::Funds(allocate)]).await? {
                    tracing::debug!(%why, "fund allocation refused");
                }
            }
        }
        Ok(Some(client.query(&FundsQuery::Fund { id: id.0 }).await?))
    }

    /// The ESG desk (fleets of 20 devices or more): the maker bridges 200 t of
    /// renewable-energy credits (the reporter, the devnet's credit issuer, approves
    /// them), pools them into carbon coin and borrows 800 gUSD against it in a gUSD
    /// vault, so the carbon branch has debt to redeem; the reporter manages
    /// "Greenhour ESG fund", which the buyer deposits 50 gUSD an hour into up to 500;
    /// the manager spends the cash beyond a tenth of the fund on carbon coin (a gUSD
    /// redemption against the carbon branch, at the `gco2.gusd` feed less the fee);
    /// every 12 hours the buyer takes a tenth of its shares out in kind. Each step
    /// is read back from the chain, so a resumed fleet carries on where it stopped.
    /// Returns the fund after the hour.
    async fn run_esg(&mut self, now_hour: u64) -> Result<Option<FundView>, SimError> {
        if self.devices.len() < LENDING_MIN_FLEET {
            return Ok(None);
        }
        let client = self.client.clone();
        if !self.carbon_vault_open().await? {
            return Ok(None);
        }
        let manager = self.reporter.address();
        let id = match self.esg_fund {
            Some(id) => id,
            None => {
                let find = |all: Vec<FundView>| {
                    all.into_iter()
                        .find(|f| f.fund.manager == manager && f.fund.mandate == Mandate::Esg)
                        .map(|f| f.fund.id)
                };
                let mut found = find(client.query(&FundsQuery::Funds {}).await?);
                if found.is_none() {
                    let create = FundsAction::Create {
                        name: "Greenhour ESG fund".into(),
                        mandate: Mandate::Esg,
                        management_fee_bps: 50,
                        performance_fee_bps: 0,
                        verified_only: false,
                    };
                    if let Committed::Refused(why) =
                        self.reporter.commit(&client, vec![AppAction::Funds(create)]).await?
                    {
                        tracing::debug!(%why, "ESG fund refused");
                        return Ok(None);
                    }
                    found = find(client.query(&FundsQuery::Funds {}).await?);
                }
                let Some(id) = found else { return Ok(None) };
                self.esg_fund = Some(id);
                id
            }
        };
        let buyer = self.buyer.address();
        let mine: SharesView = client.query(&FundsQuery::Shares { fund: id.0, holder: buyer }).await?;
        if mine.worth.unwrap_or(0) < ESG_TARGET {
            let deposit = FundsAction::Deposit { fund: id, assets: ESG_DEPOSIT, min_shares: 0 };
            if let Committed::Refused(why) = self.buyer.commit(&client, vec![AppAction::Funds(deposit)]).await? {
                tracing::debug!(%why, "ESG deposit refused");
            }
        }
        if now_hour.is_multiple_of(ESG_REDEEM_EVERY_HOURS) && mine.shares >= 10 {
            let out = FundsAction::RedeemInKind { fund: id, shares: mine.shares / 10 };
            if let Committed::Refused(why) = self.buyer.commit(&client, vec![AppAction::Funds(out)]).await? {
                tracing::debug!(%why, "in-kind redemption refused");
            }
        }
        let view: FundView = client.query(&FundsQuery::Fund { id: id.0 }).await?;
        if let Some(total) = view.total_assets {
            let spend = view.idle.saturating_sub(total * FUND_CASH_BUFFER_BPS / 10_000);
            if spend >= 1_000_000 {
                let buy = FundsAction::BuyCarbon { fund: id, gusd: spend, max_fee_bps: 500 };
                if let Committed::Refused(why) = self.reporter.commit(&client, vec![AppAction::Funds(buy)]).await? {
                    tracing::debug!(%why, "carbon purchase refused");
                }
            }
        }
        Ok(Some(client.query(&FundsQuery::Fund { id: id.0 }).await?))
    }

    /// The ESG desk's market, built in steps read back from the chain (so a
    /// resumed fleet carries on, and a refused step is tried again next hour): the
    /// maker's credit batch registered, approved by the reporter, pooled into carbon
    /// coin, and locked in a gUSD vault. Returns whether the vault is open.
    async fn carbon_vault_open(&mut self) -> Result<bool, SimError> {
        let client = self.client.clone();
        let maker = self.maker.address();
        let held = |coins: &[Coin], denom: &Denom| coins.iter().find(|c| &c.denom == denom).map_or(0, |c| c.amount);
        // Registration, approval, pooling and the vault, then the check that it stands.
        for _ in 0..5 {
            let vaults: Vec<VaultView> = client.query(&StableQuery::Vaults { owner: maker }).await?;
            // A vault redeemed down to no debt still stands: the fund's purchases are
            // then refused (and logged) rather than the desk going quiet.
            if vaults.iter().any(|v| v.vault.denom == Denom::gco2()) {
                return Ok(true);
            }
            let query = greenhour_carbon::query::CarbonQuery::Credits { registrant: Some(maker), after: None };
            // The maker registers one batch: the first page holds it.
            let credits: greenhour_framework::queries::Page<greenhour_carbon::CreditBatch> =
                client.query(&query).await?;
            let (wallet, action) = match credits.items.into_iter().find(|c| c.serial == ESG_CREDIT_SERIAL) {
                None => (
                    &mut self.maker,
                    AppAction::Carbon(CarbonAction::RegisterCredit {
                        registry: "devnet".into(),
                        serial: ESG_CREDIT_SERIAL.into(),
                        project: "Greenhour rooftop solar, Greensboro NC".into(),
                        vintage: 2024,
                        kind: "renewable".into(),
                        tonnes: ESG_CREDIT_TONNES,
                        attributes: Vec::new(),
                    }),
                ),
                Some(batch) => match batch.status {
                    greenhour_carbon::CreditStatus::Pending => {
                        (&mut self.reporter, AppAction::Carbon(CarbonAction::ApproveCredit { batch: batch.id }))
                    }
                    greenhour_carbon::CreditStatus::Rejected { .. } => return Ok(false),
                    greenhour_carbon::CreditStatus::Approved => {
                        let balances = client.account(&maker).await?.balances;
                        let credit = held(&balances, &batch.denom());
                        let coin = held(&balances, &Denom::gco2());
                        if credit > 0 {
                            let grams = credit;
                            (
                                &mut self.maker,
                                AppAction::Carbon(CarbonAction::Deposit { pool: 1, batch: batch.id, grams }),
                            )
                        } else if coin > 0 {
                            let collateral = coin.min(u128::from(ESG_CREDIT_TONNES) * 1_000_000);
                            let open = StableAction::Open {
                                denom: Denom::gco2(),
                                collateral,
                                debt: ESG_VAULT_DEBT,
                                rate_bps: 300,
                            };
                            (&mut self.maker, AppAction::Stable(open))
                        } else {
                            return Ok(false);
                        }
                    }
                },
            };
            if let Committed::Refused(why) = wallet.commit(&client, vec![action]).await? {
                tracing::debug!(%why, "ESG market step refused");
                return Ok(false);
            }
        }
        Ok(false)
    }

    /// The write-down demo: once the package is sold to the senior, the issuer's
    /// device leaves its pool, as an operator whose roof is sold would. Its unsold
    /// future hours are withdrawn, the package's NAV falls by the rule in the spec,
    /// and the junior absorbs the loss while the senior keeps its claim. The device
    /// joins again and pledges afresh when its sold hours have ended. A resumed fleet
    /// finds the departure in the package's report and does not repeat it. Returns
    /// whether the device has left.
    async fn issuer_leaves(&mut self, package: PackageId, issuer: usize, view: &PackageView) -> Result<bool, SimError> {
        let client = self.client.clone();
        // Past the last page: only the assets, no history.
        let report: PackageReport = client
            .query(&RwaQuery::Report { id: package.0, from_hour: Some(u64::MAX), from_epoch: Some(u64::MAX) })
            .await?;
        if report.assets.iter().any(|a| a.left_at_hour.is_some()) {
            return Ok(true);
        }
        if view.tranches.first().is_none_or(|t| t.tranche.units == 0) {
            return Ok(false);
        }
        let pool = self.config.pool;
        self.devices[issuer].leave(&client, pool).await
    }

    /// The reporter submits a proposal with the minimum deposit (expedited or
    /// not) and votes yes with the maker: two of the devnet's four validators, so
    /// it passes. Returns whether it was submitted.
    async fn propose_and_vote(
        &mut self,
        title: String,
        summary: String,
        messages: Vec<ProposalMessage>,
        expedited: bool,
    ) -> Result<bool, SimError> {
        let client = self.client.clone();
        let view: GovernanceView = client.query(&GovernanceQuery::Overview {}).await?;
        let deposit = if expedited { view.params.expedited_min_deposit } else { view.params.min_deposit };
        let submit = GovernanceAction::Submit { title, summary, messages, deposit, expedited };
        if let Committed::Refused(why) =
            self.reporter.commit(&client, vec![AppAction::Governance(submit.into())]).await?
        {
            tracing::debug!(%why, "proposal refused");
            return Ok(false);
        }
        let open: Vec<Proposal> =
            client.query(&GovernanceQuery::Proposals { status: Some("voting_period".into()), from: None }).await?;
        let me = self.reporter.address();
        if let Some(id) = open.iter().filter(|p| p.proposer == me).map(|p| p.id).max() {
            for voter in [&mut self.reporter, &mut self.maker] {
                let vote = GovernanceAction::vote(id, VoteOption::Yes);
                if let Committed::Refused(why) = voter.commit(&client, vec![AppAction::Governance(vote.into())]).await?
                {
                    tracing::debug!(%why, "vote refused");
                }
            }
        }
        Ok(true)
    }

    /// Asks governance (an expedited proposal, voted through) to point gUSD's
    /// direct deposit at the lending desk's market, unless it already does or a
    /// proposal for it is under way. Returns whether it is named or asked for.
    async fn ask_direct_deposit(&mut self, market: MarketId) -> Result<bool, SimError> {
        let reserve: Reserve = self.client.query(&StableQuery::Reserve {}).await?;
        if reserve.direct_deposits.iter().any(|d| d.named && d.market == market.0) {
            return Ok(true);
        }
        let proposals: Vec<Proposal> =
            self.client.query(&GovernanceQuery::Proposals { status: None, from: None }).await?;
        let under_way = |p: &Proposal| {
            matches!(
                p.status,
                ProposalStatus::DepositPeriod
                    | ProposalStatus::VotingPeriod
                    | ProposalStatus::Passed
                    | ProposalStatus::Executed
            )
        };
        if proposals.iter().any(|p| p.title == DIRECT_TITLE && under_way(p)) {
            return Ok(true);
        }
        let set = |name: &str, value: u128| ProposalMessage::SetParam {
            module: greenhour_stable::NAME.into(),
            name: name.into(),
            value,
        };
        self.propose_and_vote(
            DIRECT_TITLE.into(),
            format!(
                "Mint gUSD into lending market {market} (position NFTs of home devices) as its borrowers need it, \
                 up to {} gUSD, keeping {} gUSD free to borrow: gUSD issued against green compute.",
                DIRECT_CEILING / 1_000_000,
                DIRECT_BUFFER / 1_000_000
            ),
            vec![
                set("direct_market", u128::from(market.0)),
                set("direct_ceiling", DIRECT_CEILING),
                set("direct_buffer", DIRECT_BUFFER),
            ],
            true,
        )
        .await
    }

    /// The buyer posts the hour's jobs for the hours two to four ahead
    /// (market-priced, one GPU for one hour) and reads how its latest ones stand.
    async fn post_jobs(&mut self, now_hour: u64) -> Result<(), SimError> {
        if self.config.jobs_per_hour == 0 {
            return Ok(());
        }
        let mut actions = Vec::new();
        if self.jobs_posted == 0 {
            for e in greenhour_workloads::examples::ALL {
                actions.push(AppAction::Jobs(JobsAction::UploadWorkload { wasm: e.wasm() }));
            }
        }
        for i in 0..self.config.jobs_per_hour as u64 {
            let n = self.jobs_posted + i;
            let example = greenhour_workloads::examples::ALL[(n % 3) as usize];
            let verification = match (n / 3) % 3 {
                0 => Verification::Redundant { k: 3 },
                1 => Verification::Optimistic { window_secs: 1_800, sample_bps: 2_000 },
                _ => Verification::Attested,
            };
            let kind = match example.kind {
                "rendering" => TaskKind::Rendering,
                "inference" => TaskKind::Inference,
                _ => TaskKind::Training,
            };
            let wasm = example.wasm();
            let spec = JobSpec {
                kind,
                class: DeviceClass::Home,
                gpus: 1,
                hours: 1,
                earliest_hour: now_hour + 2,
                deadline_hour: now_hour + 4,
                min_green_bps: 0,
                pricing: Pricing::Market { quote: Denom::gusd(), max_price_per_gpu_hour: self.config.slot_price * 4 },
                incentive: 2_000_000,
                workload: Workload::Wasm {
                    module: greenhour_primitives::Hash::digest(&wasm),
                    input: example.demo_input(),
                    fuel: 50_000_000,
                },
                verification,
                bond: 1_000_000,
                slash_split_bps: 5_000,
                providers: Vec::new(),
            };
            actions.push(AppAction::Jobs(JobsAction::Post { spec }));
        }
        match self.buyer.commit(&self.client, actions).await? {
            Committed::Included(record) => {
                self.jobs_posted += self.config.jobs_per_hour as u64;
                self.totals.jobs_posted += self.config.jobs_per_hour as u64;
                let posted = JobsEvent::all_in(&record.events).into_iter().filter_map(|e| match e {
                    JobsEvent::Open { job, .. } => Some(job),
                    _ => None,
                });
                if self.cover_staked {
                    self.jobs_to_cover.extend(posted);
                }
            }
            Committed::Refused(why) => tracing::debug!(%why, "jobs refused"),
        }
        let mine = self.client.jobs(Some(&self.buyer.address()), None).await?;
        self.totals.jobs_settled = mine.iter().filter(|j| j.status == JobStatus::Settled).count() as u64;
        self.totals.jobs_failed = mine.iter().filter(|j| j.status == JobStatus::Failed).count() as u64;
        Ok(())
    }
}

impl Totals {
    fn add(&mut self, o: &Totals) {
        self.reports_accepted += o.reports_accepted;
        self.reports_refused += o.reports_refused;
        self.certified_reports += o.certified_reports;
        self.certified_wh += o.certified_wh;
        self.outages += o.outages;
        self.plans_made += o.plans_made;
        self.members += o.members;
        self.pledged_gpu_hours += o.pledged_gpu_hours;
        self.provided_slots += o.provided_slots;
        self.results_submitted += o.results_submitted;
        self.bought_slots += o.bought_slots;
        self.bought_quote += o.bought_quote;
        self.loans_taken += o.loans_taken;
        self.loans_repaid += o.loans_repaid;
        self.liquidations += o.liquidations;
        self.vaults_opened += o.vaults_opened;
        self.vaults_topped_up += o.vaults_topped_up;
        self.vault_liquidations += o.vault_liquidations;
        self.redemptions += o.redemptions;
        self.grants_proposed += o.grants_proposed;
        self.grants_paid += o.grants_paid;
        self.package_assets += o.package_assets;
        self.subscriptions += o.subscriptions;
        self.payouts_claimed += o.payouts_claimed;
        self.junior_redemptions += o.junior_redemptions;
        self.package_write_downs += o.package_write_downs;
        self.secondary_fills += o.secondary_fills;
        self.secondary_units += o.secondary_units;
    }
}
