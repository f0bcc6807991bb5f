//! `greenhour rwa …` and `greenhour kyc …`: asset packages of position NFTs issued
//! as tranches (the `rwa` module) and the identity claims their rules check.

use crate::context::{parse_enum, resolve, submit_actions};
use crate::output::{csv_field, csv_table, emit, print, Format};
use crate::Cli;
use anyhow::{bail, Result};
use clap::{Args, Subcommand, ValueEnum};
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_primitives::Hash;
use greenhour_rwa::query::{HoldingView, IdentityView, OfferBook, PackageReport, PackageView, RwaQuery};
use greenhour_rwa::{PackageId, Rules, RwaAction, Side, TrancheTerms};

#[derive(Subcommand)]
pub enum RwaCommand {
    /// Create a package you issue: --tranche NAME:COUPON_BPS:MIN_SUB_BPS for each
    /// tranche, most senior first, the last the residual (e.g. --tranche senior:800:2000
    /// --tranche junior:0:0).
    Create {
        #[arg(long)]
        from: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        legal_name: String,
        /// The issuer's jurisdiction (ISO 3166 alpha-2).
        #[arg(long)]
        jurisdiction: String,
        /// Offering documents by content hash (hex), repeatable.
        #[arg(long)]
        document: Vec<String>,
        #[arg(long, default_value = "home")]
        class: String,
        #[arg(long = "tranche", required = true)]
        tranches: Vec<String>,
        /// Jurisdictions holders may be from (repeatable; none: any not blocked).
        #[arg(long)]
        allow: Vec<String>,
        #[arg(long)]
        block: Vec<String>,
        #[arg(long)]
        accredited_only: bool,
        #[arg(long, default_value_t = 0)]
        max_holders: u32,
        #[arg(long, default_value_t = 0)]
        max_holding: u128,
        #[arg(long, default_value_t = 0)]
        lockup_secs: u64,
        #[arg(long, default_value_t = 3_600)]
        epoch_secs: u64,
        #[arg(long, default_value_t = 100)]
        fee_bps: u32,
        /// Seconds from now to the maturity.
        #[arg(long, default_value_t = 90 * 86_400)]
        maturity_in: u64,
    },
    /// Put a position NFT you hold into the package's custody (you receive residual units).
    AddAsset {
        #[arg(long)]
        from: String,
        package: u64,
        #[arg(long)]
        serial: u64,
    },
    /// Provide a packaged position's unsold slots of an hour to its market pool.
    Provide {
        #[arg(long)]
        from: String,
        package: u64,
        #[arg(long)]
        serial: u64,
        #[arg(long)]
        hour: u64,
        #[arg(long, default_value_t = 1)]
        quantity: u32,
        #[arg(long)]
        max_quote: u128,
    },
    /// Subscribe gUSD to a tranche at the epoch's close.
    Subscribe {
        #[arg(long)]
        from: String,
        package: u64,
        #[arg(long)]
        tranche: u32,
        amount: u128,
    },
    /// Redeem units of a tranche at the epoch's close.
    Redeem {
        #[arg(long)]
        from: String,
        package: u64,
        #[arg(long)]
        tranche: u32,
        units: u128,
    },
    /// Transfer units to another verified holder (--force: as the package's agent, from --owner).
    Transfer {
        #[arg(long)]
        from: String,
        package: u64,
        #[arg(long)]
        tranche: u32,
        #[arg(long)]
        to: String,
        units: u128,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        owner: Option<String>,
    },
    /// Freeze (or --unfreeze) an address's units, as the package's agent.
    Freeze {
        #[arg(long)]
        from: String,
        package: u64,
        who: String,
        #[arg(long)]
        unfreeze: bool,
    },
    /// Collect your coupons and principal of a tranche.
    Payout {
        #[arg(long)]
        from: String,
        package: u64,
        #[arg(long)]
        tranche: u32,
    },
    /// Buy units of a tranche in its secondary market at --price (ugusd per unit,
    /// e.g. 1.002) or better; the rest rests in the book (or not, --immediate).
    Buy(OfferArgs),
    /// Sell units of a tranche at --price or better (see buy).
    Sell(OfferArgs),
    /// Cancel an open offer of yours.
    Cancel {
        #[arg(long)]
        from: String,
        offer: u64,
    },
    /// A tranche's secondary-market book: bids and asks, best first.
    Book {
        package: u64,
        #[arg(long)]
        tranche: u32,
    },
    /// One package valued now (NAV, reserve, tranches' value, price, subordination, books).
    Show { package: u64 },
    /// A package's report: each tranche's realised yield against its target, its
    /// devices' utilisation and downtime, and its cash-flow and epoch history.
    /// `--format csv` exports one table (`--rows`) for a spreadsheet.
    Report {
        package: u64,
        /// Cash flows from this hour index on.
        #[arg(long)]
        from_hour: Option<u64>,
        /// Epochs from this number on.
        #[arg(long)]
        from_epoch: Option<u64>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Which table `--format csv` prints.
        #[arg(long, value_enum, default_value = "flows")]
        rows: ReportRows,
    },
    /// Every package.
    List,
    /// An address's holdings and orders across packages.
    Holdings { holder: String },
}

/// An offer in a tranche's secondary market.
#[derive(Args)]
pub struct OfferArgs {
    #[arg(long)]
    from: String,
    package: u64,
    #[arg(long)]
    tranche: u32,
    units: u128,
    #[arg(long)]
    price: String,
    #[arg(long)]
    immediate: bool,
}

/// The tables of a package report.
#[derive(Clone, Copy, ValueEnum)]
pub enum ReportRows {
    Flows,
    Epochs,
    Tranches,
    Assets,
}

#[derive(Subcommand)]
pub enum KycCommand {
    /// As a trusted claim issuer: verify an address from a jurisdiction.
    Claim {
        #[arg(long)]
        from: String,
        subject: String,
        #[arg(long)]
        jurisdiction: String,
        #[arg(long)]
        accredited: bool,
        /// Seconds from now until the claim expires.
        #[arg(long, default_value_t = 365 * 86_400)]
        valid_for: u64,
    },
    /// Revoke a claim you issued.
    Revoke {
        #[arg(long)]
        from: String,
        subject: String,
    },
    /// An address's claim and whether it verifies now.
    Show { subject: String },
}

/// Signs and commits one rwa action as `from`, printing what was committed.
async fn commit(cli: &Cli, from: &str, action: RwaAction) -> Result<()> {
    let done = submit_actions(cli, from, vec![AppAction::Rwa(action)]).await?;
    print(cli.json, &done, || done.join("\n"));
    Ok(())
}

fn tranche_terms(spec: &str) -> Result<TrancheTerms> {
    let parts: Vec<&str> = spec.split(':').collect();
    let [name, coupon, sub] = parts[..] else {
        bail!("a tranche is NAME:COUPON_BPS:MIN_SUBORDINATION_BPS, not {spec:?}")
    };
    Ok(TrancheTerms { name: name.into(), coupon_bps: coupon.parse()?, min_subordination_bps: sub.parse()? })
}

fn wad(p: Option<u128>) -> String {
    p.map_or("-".into(), |p| format!("{:.6}", p as f64 / 1e18))
}

fn describe(v: &PackageView) -> String {
    let p = &v.package;
    let mut s = format!(
        "package {} {:?} ({}, {}) issuer {}  NAV {}  reserve {}  epoch {} closes at {}  income {} fees {} coupons {} principal {}{}",
        p.id,
        p.name,
        p.legal_name,
        p.jurisdiction,
        p.issuer,
        v.nav.map_or("-".into(), |n| n.to_string()),
        v.book.reserve,
        v.book.epoch,
        v.epoch_closes_at,
        v.book.income,
        v.book.fees,
        v.book.coupons,
        v.book.principal,
        v.value_error.as_ref().map_or(String::new(), |e| format!("  (unvalued: {e})"))
    );
    for t in &v.tranches {
        s.push_str(&format!(
            "\n  tranche {} {:<8} coupon {:.2} %  units {}  value {}  price {}  subordination {} (min {:.1} %)  holders {}  pending invest {} redeem {}",
            t.index,
            t.terms.name,
            t.terms.coupon_bps as f64 / 100.0,
            t.tranche.units,
            t.value.map_or("-".into(), |v| v.to_string()),
            wad(t.price_wad),
            t.subordination_bps.map_or("-".into(), |b| format!("{:.1} %", b as f64 / 100.0)),
            t.terms.min_subordination_bps as f64 / 100.0,
            t.tranche.holders,
            t.tranche.pending_invest,
            t.tranche.pending_redeem
        ));
    }
    s.push_str(&format!("\n  assets {:?} in custody {}", p.assets, v.custody));
    s
}

/// A decimal price ("1.002") as WAD, without floats: at most 18 decimals.
fn parse_wad(text: &str) -> Result<u128> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(frac.is_empty() || digits(frac)) || frac.len() > 18 {
        bail!("a price is a decimal number of ugusd per unit with at most 18 decimals, not {text:?}");
    }
    let scale = 10u128.pow(18);
    let frac_wad = if frac.is_empty() { 0 } else { frac.parse::<u128>()? * 10u128.pow(18 - frac.len() as u32) };
    whole
        .parse::<u128>()?
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_wad))
        .ok_or_else(|| anyhow::anyhow!("price {text} is too large"))
}

fn offer_line(o: &greenhour_rwa::Offer) -> String {
    format!(
        "  #{:<6} {:<4} {:>14} units at {} ugusd/unit  {}  (since {})",
        o.id,
        o.side.name(),
        o.units,
        wad(Some(o.price_wad)),
        o.owner,
        o.placed_at
    )
}

fn bps(b: Option<u32>) -> String {
    b.map_or("-".into(), |b| format!("{:.2} %", b as f64 / 100.0))
}

fn report_text(r: &PackageReport) -> String {
    let mut s = format!(
        "package {} {:?} issuer {}  NAV {}  reserve {}  income {}  fees {}  coupons {}  principal {}  as of {}{}",
        r.package,
        r.name,
        r.issuer,
        r.nav.map_or("-".into(), |n| n.to_string()),
        r.book.reserve,
        r.book.income,
        r.book.fees,
        r.book.coupons,
        r.book.principal,
        r.as_of,
        r.value_error.as_ref().map_or(String::new(), |e| format!("  (unvalued: {e})"))
    );
    for t in &r.tranches {
        s.push_str(&format!(
            "\n  tranche {} {:<8} target {}  realised {}  return since inception {}  coupons paid {}  principal repaid {} outstanding {}  units {}  price {}  holders {}",
            t.index,
            t.name,
            bps(Some(t.target_bps)),
            bps(t.realised_bps),
            t.return_since_inception_bps.map_or("-".into(), |b| format!("{:.2} %", b as f64 / 100.0)),
            t.coupons_paid,
            t.principal_repaid,
            t.principal_outstanding,
            t.units,
            wad(t.price_wad),
            t.holders
        ));
    }
    for a in &r.assets {
        s.push_str(&format!(
            "\n  asset {} device {} pool {}: sold {}/{} past units ({}), {} future units  uptime {}  downtime {}  green {}  value {}{}",
            a.serial,
            a.device,
            a.pool,
            a.sold_units,
            a.past_units,
            bps(Some(a.utilisation_bps)),
            a.future_units,
            bps(Some(a.uptime_bps)),
            bps(Some(a.downtime_bps)),
            bps(Some(a.green_bps)),
            a.value.map_or("-".into(), |v| v.to_string()),
            a.left_at_hour.map_or(String::new(), |h| format!("  (left at hour {h})"))
        ));
    }
    for f in &r.flows {
        s.push_str(&format!(
            "\n  hour {}  received {}  fee {}  coupons {:?}  principal {:?}  to reserve {}",
            f.hour, f.received, f.fee, f.coupons, f.principal, f.to_reserve
        ));
    }
    for e in &r.epochs {
        s.push_str(&format!(
            "\n  epoch {} closed at {}  NAV {}  reserve {}  invested {:?}  redeemed {:?}",
            e.epoch, e.closed_at, e.nav, e.reserve, e.invested, e.redeemed
        ));
    }
    s
}

/// Joins per-tranche figures into one CSV cell ("a;b;c").
fn cell(values: &[u128]) -> String {
    values.iter().map(u128::to_string).collect::<Vec<_>>().join(";")
}

fn report_csv(r: &PackageReport, rows: ReportRows) -> String {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let id = r.package.to_string();
    match rows {
        ReportRows::Flows => csv_table(
            &["package", "hour", "received", "fee", "coupons", "principal", "to_reserve"],
            r.flows.iter().map(|f| {
                vec![
                    id.clone(),
                    f.hour.to_string(),
                    f.received.to_string(),
                    f.fee.to_string(),
                    cell(&f.coupons),
                    cell(&f.principal),
                    f.to_reserve.to_string(),
                ]
            }),
        ),
        ReportRows::Epochs => csv_table(
            &["package", "epoch", "closed_at", "nav", "reserve", "prices_wad", "invested", "redeemed"],
            r.epochs.iter().map(|e| {
                vec![
                    id.clone(),
                    e.epoch.to_string(),
                    e.closed_at.to_string(),
                    e.nav.to_string(),
                    e.reserve.to_string(),
                    cell(&e.prices_wad),
                    cell(&e.invested),
                    cell(&e.redeemed),
                ]
            }),
        ),
        ReportRows::Tranches => csv_table(
            &[
                "package",
                "tranche",
                "name",
                "target_bps",
                "realised_bps",
                "return_since_inception_bps",
                "coupons_paid",
                "principal_repaid",
                "principal_outstanding",
                "units",
                "price_wad",
                "holders",
            ],
            r.tranches.iter().map(|t| {
                vec![
                    id.clone(),
                    t.index.to_string(),
                    csv_field(&t.name),
                    t.target_bps.to_string(),
                    opt(t.realised_bps.map(|b| b.to_string())),
                    opt(t.return_since_inception_bps.map(|b| b.to_string())),
                    t.coupons_paid.to_string(),
                    t.principal_repaid.to_string(),
                    t.principal_outstanding.to_string(),
                    t.units.to_string(),
                    opt(t.price_wad.map(|p| p.to_string())),
                    t.holders.to_string(),
                ]
            }),
        ),
        ReportRows::Assets => csv_table(
            &[
                "package",
                "serial",
                "device",
                "pool",
                "pledged_units",
                "past_units",
                "sold_units",
                "utilisation_bps",
                "future_units",
                "uptime_bps",
                "downtime_bps",
                "green_bps",
                "left_at_hour",
                "value",
            ],
            r.assets.iter().map(|a| {
                vec![
                    id.clone(),
                    a.serial.to_string(),
                    a.device.to_string(),
                    a.pool.to_string(),
                    a.pledged_units.to_string(),
                    a.past_units.to_string(),
                    a.sold_units.to_string(),
                    a.utilisation_bps.to_string(),
                    a.future_units.to_string(),
                    a.uptime_bps.to_string(),
                    a.downtime_bps.to_string(),
                    a.green_bps.to_string(),
                    opt(a.left_at_hour.map(|h| h.to_string())),
                    opt(a.value.map(|v| v.to_string())),
                ]
            }),
        ),
    }
}

pub async fn run(cli: &Cli, c: &RwaCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match c {
        RwaCommand::Create {
            from,
            name,
            legal_name,
            jurisdiction,
            document,
            class,
            tranches,
            allow,
            block,
            accredited_only,
            max_holders,
            max_holding,
            lockup_secs,
            epoch_secs,
            fee_bps,
            maturity_in,
        } => {
            let documents = document.iter().map(|d| d.parse::<Hash>()).collect::<Result<Vec<_>, _>>()?;
            let now = client.status().await?.latest_block_time;
            let action = RwaAction::CreatePackage {
                name: name.clone(),
                legal_name: legal_name.clone(),
                jurisdiction: jurisdiction.clone(),
                documents,
                class: parse_enum("class", class, "home, regional, datacentre or btc_miner")?,
                tranches: tranches.iter().map(|t| tranche_terms(t)).collect::<Result<_>>()?,
                rules: Rules {
                    allowed_jurisdictions: allow.clone(),
                    blocked_jurisdictions: block.clone(),
                    accredited_only: *accredited_only,
                    max_holders: *max_holders,
                    max_holding: *max_holding,
                    lockup_secs: *lockup_secs,
                },
                epoch_secs: *epoch_secs,
                fee_bps: *fee_bps,
                maturity: now + maturity_in,
            };
            let issuer = resolve(cli, from)?;
            let done = submit_actions(cli, from, vec![AppAction::Rwa(action)]).await?;
            // The new package is the issuer's highest id.
            let all: Vec<PackageView> = client.query(&RwaQuery::Packages {}).await?;
            let id = all.iter().filter(|p| p.package.issuer == issuer).map(|p| p.package.id.0).max();
            print(cli.json, &serde_json::json!({ "package": id, "txs": done }), || {
                format!("{}\npackage {} created", done.join("\n"), id.map_or("?".into(), |i| i.to_string()))
            });
        }
        RwaCommand::AddAsset { from, package, serial } => {
            commit(cli, from, RwaAction::AddAsset { package: PackageId(*package), serial: *serial }).await?;
        }
        RwaCommand::Provide { from, package, serial, hour, quantity, max_quote } => {
            let action = RwaAction::Provide {
                package: PackageId(*package),
                serial: *serial,
                hour: *hour,
                quantity: *quantity,
                max_quote: *max_quote,
            };
            commit(cli, from, action).await?;
        }
        RwaCommand::Subscribe { from, package, tranche, amount } => {
            commit(cli, from, RwaAction::Invest { package: PackageId(*package), tranche: *tranche, amount: *amount })
                .await?;
        }
        RwaCommand::Redeem { from, package, tranche, units } => {
            commit(cli, from, RwaAction::Redeem { package: PackageId(*package), tranche: *tranche, units: *units })
                .await?;
        }
        RwaCommand::Transfer { from, package, tranche, to, units, force, owner } => {
            let (package, to) = (PackageId(*package), resolve(cli, to)?);
            let action = match (force, owner) {
                (true, Some(owner)) => RwaAction::ForceTransfer {
                    package,
                    tranche: *tranche,
                    from: resolve(cli, owner)?,
                    to,
                    units: *units,
                },
                (false, None) => RwaAction::Transfer { package, tranche: *tranche, to, units: *units },
                _ => bail!("--force needs --owner (whose units move), and --owner needs --force"),
            };
            commit(cli, from, action).await?;
        }
        RwaCommand::Freeze { from, package, who, unfreeze } => {
            let action = RwaAction::Freeze { package: PackageId(*package), who: resolve(cli, who)?, frozen: !unfreeze };
            commit(cli, from, action).await?;
        }
        RwaCommand::Payout { from, package, tranche } => {
            commit(cli, from, RwaAction::ClaimPayout { package: PackageId(*package), tranche: *tranche }).await?;
        }
        RwaCommand::Show { package } => {
            let v: PackageView = client.query(&RwaQuery::Package { id: *package }).await?;
            print(cli.json, &v, || describe(&v));
        }
        RwaCommand::Buy(o) | RwaCommand::Sell(o) => {
            let side = if matches!(c, RwaCommand::Buy(_)) { Side::Buy } else { Side::Sell };
            let action = RwaAction::PlaceOffer {
                package: PackageId(o.package),
                tranche: o.tranche,
                side,
                units: o.units,
                price_wad: parse_wad(&o.price)?,
                immediate_only: o.immediate,
            };
            commit(cli, &o.from, action).await?;
        }
        RwaCommand::Cancel { from, offer } => commit(cli, from, RwaAction::CancelOffer { offer: *offer }).await?,
        RwaCommand::Book { package, tranche } => {
            let b: OfferBook = client.query(&RwaQuery::Book { package: *package, tranche: *tranche }).await?;
            print(cli.json, &b, || {
                let mut s = format!(
                    "package {} tranche {}: {} bids, {} asks",
                    b.package,
                    b.tranche,
                    b.bids.len(),
                    b.asks.len()
                );
                for o in b.asks.iter().rev().chain(&b.bids) {
                    s.push('\n');
                    s.push_str(&offer_line(o));
                }
                s
            });
        }
        RwaCommand::Report { package, from_hour, from_epoch, format, rows } => {
            let query = RwaQuery::Report { id: *package, from_hour: *from_hour, from_epoch: *from_epoch };
            let r: PackageReport = client.query(&query).await?;
            let format = if cli.json { Format::Json } else { *format };
            emit(format, &r, || report_text(&r), || report_csv(&r, *rows));
        }
        RwaCommand::List => {
            let all: Vec<PackageView> = client.query(&RwaQuery::Packages {}).await?;
            print(cli.json, &all, || {
                if all.is_empty() {
                    return "no packages".into();
                }
                all.iter().map(describe).collect::<Vec<_>>().join("\n")
            });
        }
        RwaCommand::Holdings { holder } => {
            let holder = resolve(cli, holder)?;
            let all: Vec<HoldingView> = client.query(&RwaQuery::Holdings { holder }).await?;
            print(cli.json, &all, || {
                if all.is_empty() {
                    return "no holdings".into();
                }
                all.iter()
                    .map(|h| {
                        format!(
                            "package {} tranche {}: {} units (locked until {}), payout due {}, order: invest {} redeem {}",
                            h.package,
                            h.tranche,
                            h.holding.units,
                            h.holding.locked_until,
                            h.payout_due,
                            h.order.invest,
                            h.order.redeem
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

pub async fn run_kyc(cli: &Cli, c: &KycCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match c {
        KycCommand::Claim { from, subject, jurisdiction, accredited, valid_for } => {
            let now = client.status().await?.latest_block_time;
            let action = RwaAction::Claim {
                subject: resolve(cli, subject)?,
                jurisdiction: jurisdiction.clone(),
                accredited: *accredited,
                expires_at: now + valid_for,
            };
            commit(cli, from, action).await?;
        }
        KycCommand::Revoke { from, subject } => {
            commit(cli, from, RwaAction::Revoke { subject: resolve(cli, subject)? }).await?;
        }
        KycCommand::Show { subject } => {
            let v: IdentityView = client.query(&RwaQuery::Identity { subject: resolve(cli, subject)? }).await?;
            print(cli.json, &v, || match &v.identity {
                Some(i) => format!(
                    "{}: {} ({}), {}accredited, claimed by {} until {}",
                    v.subject,
                    if v.verified { "verified" } else { "NOT verified" },
                    i.jurisdiction,
                    if i.accredited { "" } else { "not " },
                    i.issuer,
                    i.expires_at
                ),
                None => format!("{}: no claim", v.subject),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_wad;

    #[test]
    fn prices_parse_to_wad_without_floats() {
        assert_eq!(parse_wad("1").unwrap(), 1_000_000_000_000_000_000);
        assert_eq!(parse_wad("1.002").unwrap(), 1_002_000_000_000_000_000);
        assert_eq!(parse_wad("0.000000000000000001").unwrap(), 1);
        for bad in ["", ".5", "1..2", "1.0000000000000000001", "-1", "1e3", "a"] {
            assert!(parse_wad(bad).is_err(), "{bad:?}");
        }
    }
}
