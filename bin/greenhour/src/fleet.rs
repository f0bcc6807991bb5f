//! The devnet's fleet: simulated devices on real weather driving the chain, with a
//! live view — a line per simulated hour above a status bar that follows the
//! chain's clock — and a summary at the end.

use crate::Cli;
use anyhow::{Context, Result};
use greenhour_client::RpcClient;
use greenhour_crypto::SecretKey;
use greenhour_energy::data::{self, embedded};
use greenhour_sim::physics::SiteProfile;
use greenhour_sim::{FeedSeries, Fleet, FleetConfig, HourSummary};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::{Duration, Instant};

/// The simulated hour a line reports, as a user reads a clock.
fn hour_label(unix_hour: u64) -> String {
    i64::try_from(unix_hour.saturating_mul(3_600))
        .ok()
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map_or_else(|| format!("hour {unix_hour}"), |t| t.format("%Y-%m-%d %H:00 UTC").to_string())
}

fn line(s: &HourSummary) -> String {
    let t = &s.totals;
    let index = s.index_price_wad.map_or("—".to_string(), |p| format!("{:.3} gUSD/GPU-h", p as f64 / 1e24));
    format!(
        "{} (block {:>5}) | {:>4} reporting | PV {:>7.1} kWh, compute {:>6.1} kWh, EV {:>5.1}, battery +{:.1}/−{:.1}, import {:>6.1}, export {:>6.1}, {} plans | \
         reports {} ok / {} refused | certified {} reports, {:.1} kWh | members {} | pledged {} GPU-h, provided {}, sold {} | index {index}, green {:.0} % | \
         jobs {} posted, {} results, {} settled, {} failed | lending {:.1} gUSD supplied, {:.1} borrowed, {} loans, {} repaid, {:.1} gUSD repaid by income, {} liquidated | \
         gUSD {:.1} ({:.1} from vaults, {:.1} into lending, collateral {}, green compute {:.0} %), {} vaults, {} topped up, {} liquidated, {} redemptions | \
         grants {} proposed, {} paid | package NAV {}, reserve {:.1}, income {:.1} gUSD, coupons {:.3}, senior {:.1} sold, junior worth {}, {} assets, {} subscriptions, {} payouts, {} write-downs, {} secondary fills ({:.1} units) | fund {} gUSD, share price {} × par, cash {:.1}, {} shares queued | ESG fund {} gUSD, {:.3} t CO2e | cover pool {:.1} gUSD, {:.1} outstanding, {} covers, {} events paid ({:.1} gUSD) | {}",
        hour_label(s.hour),
        s.height,
        s.reporting,
        s.generated_wh as f64 / 1e3,
        s.compute_wh as f64 / 1e3,
        s.ev_wh as f64 / 1e3,
        s.charged_wh as f64 / 1e3,
        s.discharged_wh as f64 / 1e3,
        s.imported_wh as f64 / 1e3,
        s.exported_wh as f64 / 1e3,
        s.plans_made,
        t.reports_accepted,
        t.reports_refused,
        t.certified_reports,
        t.certified_wh as f64 / 1e3,
        t.members,
        t.pledged_gpu_hours,
        t.provided_slots,
        t.bought_slots,
        s.index_green_share_bps as f64 / 100.0,
        t.jobs_posted,
        t.results_submitted,
        t.jobs_settled,
        t.jobs_failed,
        s.lending_supplied as f64 / 1e6,
        s.lending_borrowed as f64 / 1e6,
        t.loans_taken,
        t.loans_repaid,
        s.lending_income_repaid as f64 / 1e6,
        t.liquidations,
        s.gusd_supply as f64 / 1e6,
        s.gusd_vault_debt as f64 / 1e6,
        s.gusd_direct_minted as f64 / 1e6,
        s.gusd_collateral_ratio_bps.map_or("—".into(), |r| format!("{:.0} %", r as f64 / 100.0)),
        s.gusd_green_compute_bps as f64 / 100.0,
        t.vaults_opened,
        t.vaults_topped_up,
        t.vault_liquidations,
        t.redemptions,
        t.grants_proposed,
        t.grants_paid,
        s.rwa_nav.map_or("—".into(), |n| format!("{:.1}", n as f64 / 1e6)),
        s.rwa_reserve as f64 / 1e6,
        s.rwa_income as f64 / 1e6,
        s.rwa_coupons as f64 / 1e6,
        s.rwa_senior_units as f64 / 1e6,
        s.rwa_junior_value.map_or("—".into(), |n| format!("{:.1}", n as f64 / 1e6)),
        t.package_assets,
        t.subscriptions,
        t.payouts_claimed,
        t.package_write_downs,
        t.secondary_fills,
        t.secondary_units as f64 / 1e6,
        s.fund_assets.map_or("—".into(), |n| format!("{:.1}", n as f64 / 1e6)),
        // A first deposit buys 10^6 shares per ugusd (the virtual offset): par is 10^-6 ugusd (10^12 WAD).
        s.fund_price_wad.map_or("—".into(), |p| format!("{:.6}", p as f64 / 1e12)),
        s.fund_cash as f64 / 1e6,
        s.fund_queued_shares,
        s.esg_assets.map_or("—".into(), |n| format!("{:.1}", n as f64 / 1e6)),
        s.esg_carbon as f64 / 1e6,
        s.cover_capital as f64 / 1e6,
        s.cover_locked as f64 / 1e6,
        s.covers_sold,
        s.cover_events_paid,
        s.cover_payouts as f64 / 1e6,
        derivatives_part(s.derivatives.as_ref()),
    )
}

/// Derivatives: open interest, funding, options settled, the insurance fund, and
/// the latest settled hedge with the net price per GPU-hour it gave.
fn derivatives_part(d: Option<&greenhour_sim::DerivativesSummary>) -> String {
    let Some(d) = d else { return "derivatives —".into() };
    let hedge = d.hedge.as_ref().map_or(String::new(), |h| {
        let net = (h.spot_paid as i128 - h.futures_pnl) as f64 / h.spot_gpu_hours.max(1) as f64 / 1e6;
        format!(
            "; hedge for day {}: {} GPU-h locked at {:.3} gUSD, day index {:.3}, futures PnL {:+.2} gUSD against {:.2} paid spot for {} GPU-h: net {net:.3} gUSD/GPU-h",
            h.day,
            h.contracts,
            h.locked_price as f64 / 1e6,
            h.settlement as f64 / 1e6,
            h.futures_pnl as f64 / 1e6,
            h.spot_paid as f64 / 1e6,
            h.spot_gpu_hours
        )
    });
    format!(
        "derivatives OI {} contracts, {} GPU-h hedged forward over {} days, perp funding {} ugusd/h, {} options settled, insurance {:.2} gUSD, {} liquidations{hedge}",
        d.open_interest,
        d.forward_gpu_hours,
        d.hedged_days,
        d.perp_funding,
        d.options_settled,
        d.insurance as f64 / 1e6,
        d.liquidations
    )
}

/// The status bar's message: where the fleet stands after its latest hour.
fn status(s: &HourSummary, devices: usize) -> String {
    let t = &s.totals;
    let index = s.index_price_wad.map_or("—".to_string(), |p| format!("{:.3} gUSD/GPU-h", p as f64 / 1e24));
    format!(
        "{}/{devices} online · {} GPU-h sold · green {:.0} % · index {index} · {} certified ({:.1} kWh) · jobs {} done / {} failed",
        s.reporting,
        t.bought_slots,
        s.index_green_share_bps as f64 / 100.0,
        t.certified_reports,
        t.certified_wh as f64 / 1e3,
        t.jobs_settled,
        t.jobs_failed,
    )
}

/// Keeps the bar's prefix on the chain's clock and height until aborted.
async fn follow_chain(client: RpcClient, bar: ProgressBar) {
    loop {
        if let Ok(st) = client.status().await {
            let clock = i64::try_from(st.latest_block_time)
                .ok()
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
            bar.set_prefix(format!("{clock} · block {}", st.height));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The live status bar (hidden when stdout is not a terminal or output is JSON).
fn live_bar(json: bool) -> ProgressBar {
    use std::io::IsTerminal;
    if json || !std::io::stdout().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner:.green} {prefix:.bold} │ {wide_msg}").expect("a valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// GHR's price in gUSD on the devnet, hour by hour over a week (ugusd per ughr,
/// WAD): GHR has no market outside the chain, so the fleet's reporters follow this
/// path, a stress test the gUSD vaults must survive each week: flat at 0.50 for
/// four days, a 35 % fall over the next day and a half, and back over the
/// remaining day and a half.
/// One in WAD (10¹⁸), for feed values.
const WAD_ONE: i128 = 1_000_000_000_000_000_000;

fn ghr_week() -> std::sync::Arc<[i128]> {
    const HALF: i128 = 500_000_000_000_000_000;
    (0..168)
        .map(|h: i128| {
            let fall_permille = match h {
                0..96 => 0,
                96..132 => (h - 96) * 350 / 36,
                _ => (168 - h) * 350 / 36,
            };
            HALF / 1_000 * (1_000 - fall_permille)
        })
        .collect()
}

/// Starts `devices` simulated devices against the node at `url` and reports each
/// simulated hour until `hours` have passed (or forever).
pub async fn run(cli: &Cli, url: &str, devices: usize, hours: Option<u64>) -> Result<()> {
    let client = RpcClient::new(url);
    let sites = [embedded::GREENSBORO, embedded::SAND_POINT]
        .iter()
        .map(|(name, text)| {
            let site = data::weather(name, text)?;
            SiteProfile::compute(&site)
        })
        .collect::<Result<Vec<_>, _>>()
        .context("weather data")?;
    let prices = data::prices(embedded::SMARD_2018.0, embedded::SMARD_2018.1).context("price data")?;
    let countries = data::countries(embedded::COUNTRIES.0, embedded::COUNTRIES.1).context("carbon data")?;
    let intensity = |iso: &str| countries.iter().find(|c| c.iso_code == iso).map(|c| c.g_co2e_per_kwh);
    // The devnet's oracles carry the data the fleet plans against: Germany's grid
    // intensity (codecarbon) and the SMARD day-ahead price of the hour (milli-EUR/MWh).
    let feeds = vec![
        FeedSeries {
            name: "carbon.de".into(),
            values: intensity("DEU").map(|g| g.round() as i128).into_iter().collect(),
        },
        FeedSeries {
            name: "price.de".into(),
            values: prices.iter().map(|p| (p.eur_per_mwh * 1_000.0).round() as i128).collect(),
        },
        FeedSeries { name: "ghr.gusd".into(), values: ghr_week() },
        // No carbon-credit price data ships with the devnet: a flat 10 gUSD a
        // tonne (10 ugusd per ugco2), enough to value the ESG fund's coin.
        FeedSeries { name: "gco2.gusd".into(), values: std::sync::Arc::from([10 * WAD_ONE]) },
    ];
    let config = FleetConfig {
        devices,
        pool: 2,
        treasury: SecretKey::from_name("dave"),
        maker: SecretKey::from_name("carol"),
        buyer: SecretKey::from_name("bob"),
        slot_price: 2_000_000,
        jobs_per_hour: 3,
        prices: prices.iter().map(|p| p.eur_per_mwh).collect(),
        grid_g_per_kwh: intensity("USA").unwrap_or(400.0),
        feeds,
        reporter: SecretKey::from_name("dave"),
        // The devnet's faucet (config.json names its key) hands these out.
        certificate_sink: Some(SecretKey::from_name(&greenhour_node::faucet::FaucetConfig::devnet().key).address()),
    };
    if !cli.json {
        println!("Starting {devices} simulated home devices (Greensboro NC and Sand Point AK weather, TMY3)…");
    }
    let started = Instant::now();
    let bar = live_bar(cli.json);
    let follower = tokio::spawn(follow_chain(RpcClient::new(url), bar.clone()));
    bar.set_message(format!("registering {devices} devices…"));
    let mut fleet = Fleet::start(client, config, sites).await?;
    let mut done = 0u64;
    let mut last: Option<HourSummary> = None;
    while hours.is_none_or(|h| done < h) {
        let Some(s) = fleet.step().await? else {
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        };
        bar.set_message(status(&s, fleet.devices()));
        {
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "hour": s.hour, "height": s.height, "reporting": s.reporting, "generated_wh": s.generated_wh,
                        "compute_wh": s.compute_wh, "ev_wh": s.ev_wh, "imported_wh": s.imported_wh, "exported_wh": s.exported_wh,
                        "charged_wh": s.charged_wh, "discharged_wh": s.discharged_wh, "plans_made": s.totals.plans_made,
                        "reports_accepted": s.totals.reports_accepted, "reports_refused": s.totals.reports_refused,
                        "certified_reports": s.totals.certified_reports, "certified_wh": s.totals.certified_wh,
                        "members": s.totals.members, "pledged_gpu_hours": s.totals.pledged_gpu_hours,
                        "provided_slots": s.totals.provided_slots, "sold_slots": s.totals.bought_slots,
                        "index_price_wad": s.index_price_wad.map(|p| p.to_string()),
                        "index_green_share_bps": s.index_green_share_bps,
                        "jobs_posted": s.totals.jobs_posted, "job_results": s.totals.results_submitted,
                        "jobs_settled": s.totals.jobs_settled, "jobs_failed": s.totals.jobs_failed,
                        "lending_supplied": s.lending_supplied.to_string(), "lending_borrowed": s.lending_borrowed.to_string(),
                        "loans_taken": s.totals.loans_taken, "loans_repaid": s.totals.loans_repaid,
                        "lending_income_repaid": s.lending_income_repaid.to_string(),
                        "liquidations": s.totals.liquidations,
                        "gusd_supply": s.gusd_supply.to_string(), "gusd_vault_debt": s.gusd_vault_debt.to_string(),
                        "gusd_collateral_ratio_bps": s.gusd_collateral_ratio_bps,
                        "gusd_direct_minted": s.gusd_direct_minted.to_string(),
                        "gusd_green_compute_bps": s.gusd_green_compute_bps,
                        "vaults_opened": s.totals.vaults_opened, "vaults_topped_up": s.totals.vaults_topped_up,
                        "vault_liquidations": s.totals.vault_liquidations, "redemptions": s.totals.redemptions,
                        "grants_proposed": s.totals.grants_proposed, "grants_paid": s.totals.grants_paid,
                        "rwa_nav": s.rwa_nav.map(|n| n.to_string()), "rwa_reserve": s.rwa_reserve.to_string(),
                        "rwa_income": s.rwa_income.to_string(), "rwa_coupons": s.rwa_coupons.to_string(),
                        "rwa_senior_units": s.rwa_senior_units.to_string(), "package_assets": s.totals.package_assets,
                        "rwa_junior_value": s.rwa_junior_value.map(|n| n.to_string()),
                        "package_write_downs": s.totals.package_write_downs,
                        "secondary_fills": s.totals.secondary_fills,
                        "secondary_units": s.totals.secondary_units.to_string(),
                        "fund_assets": s.fund_assets.map(|n| n.to_string()),
                        "fund_price_wad": s.fund_price_wad.map(|n| n.to_string()),
                        "fund_cash": s.fund_cash.to_string(),
                        "fund_queued_shares": s.fund_queued_shares.to_string(),
                        "esg_assets": s.esg_assets.map(|n| n.to_string()),
                        "esg_carbon": s.esg_carbon.to_string(),
                        "cover_capital": s.cover_capital.to_string(), "cover_locked": s.cover_locked.to_string(),
                        "cover_payouts": s.cover_payouts.to_string(), "cover_events_paid": s.cover_events_paid,
                        "covers_sold": s.covers_sold,
                        "derivatives_open_interest": s.derivatives.as_ref().map(|d| d.open_interest.to_string()),
                        "perp_funding": s.derivatives.as_ref().map(|d| d.perp_funding.to_string()),
                        "options_settled": s.derivatives.as_ref().map(|d| d.options_settled),
                        "derivatives_insurance": s.derivatives.as_ref().map(|d| d.insurance.to_string()),
                        "hedge": s.derivatives.as_ref().and_then(|d| d.hedge.clone()),
                        "forward_gpu_hours": s.derivatives.as_ref().map(|d| d.forward_gpu_hours.to_string()),
                        "subscriptions": s.totals.subscriptions, "payouts_claimed": s.totals.payouts_claimed,
                    })
                );
            } else {
                let behind = fleet.behind().await?;
                let lag = if behind > 0 { format!(" | {behind} h behind the clock") } else { String::new() };
                bar.suspend(|| println!("{}{lag}", line(&s)));
            }
            done += 1;
            last = Some(s);
        }
    }
    follower.abort();
    bar.finish_and_clear();
    if !cli.json {
        if let Some(s) = last {
            println!(
                "Simulated {done} hours of {} devices in {:.0} s: {} reports accepted, {} refused, {} outages declared; \
                 {} reports certified ({:.1} kWh of hourly certificates); {} GPU-hours pledged, {} slots provided to the market, {} bought for {:.2} gUSD.",
                fleet.devices(),
                started.elapsed().as_secs_f64(),
                s.totals.reports_accepted,
                s.totals.reports_refused,
                fleet.totals.outages,
                s.totals.certified_reports,
                s.totals.certified_wh as f64 / 1e3,
                s.totals.pledged_gpu_hours,
                s.totals.provided_slots,
                s.totals.bought_slots,
                s.totals.bought_quote as f64 / 1e6,
            );
        }
    }
    Ok(())
}
