//! `greenhour cert …` (hourly energy certificates: issue, list, split, transfer,
//! lock, cancel, claim for a beneficiary, revoke, declare consumption, the 24/7
//! match report, CSV/JSON export for auditors) and `greenhour credit …` (bridge
//! carbon-credit batches, pool them into the carbon coin, redeem, retire).

use crate::context::{resolve, submit_actions};
use crate::output::{csv_field as field, emit, print, Format};
use crate::Cli;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use greenhour_app::AppAction;
use greenhour_carbon::{
    Bundle, CarbonAction, Claim, ClaimTerms, CreditBatch, CreditFilter, MatchReport, RetireAsset, Retirement,
};
use greenhour_client::RpcClient;
use greenhour_framework::queries::Page;
use greenhour_primitives::Hash;
use serde_json::{json, Value};

#[derive(Subcommand)]
pub enum CertCommand {
    /// Certify accepted telemetry reports (by hash), or every uncertified report
    /// with solar generation of a device (--device). Bundles go to the device owner.
    Issue {
        #[arg(long)]
        from: String,
        #[arg(long)]
        device: Option<u64>,
        reports: Vec<String>,
    },
    /// Bundles of an owner or a device, filtered.
    List {
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        device: Option<u64>,
        /// active | locked | stored | storage_consumed | claimed | cancelled | expired | revoked
        #[arg(long)]
        status: Option<String>,
        /// solar | storage
        #[arg(long)]
        source: Option<String>,
        /// Production hours from (UTC hour index, inclusive) …
        #[arg(long)]
        from_hour: Option<u64>,
        /// … to (exclusive).
        #[arg(long)]
        to_hour: Option<u64>,
        #[arg(long)]
        cell: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// One bundle by its first id.
    Show { id: u64 },
    /// Split a bundle: the first --wh Wh keep its id, the rest get a new one.
    Split {
        #[arg(long)]
        from: String,
        id: u64,
        #[arg(long)]
        wh: u64,
    },
    /// Move a bundle (or its first --wh Wh) to another account.
    Transfer {
        #[arg(long)]
        from: String,
        id: u64,
        #[arg(long)]
        to: String,
        #[arg(long)]
        wh: Option<u64>,
    },
    /// Reserve a bundle: nothing moves it until you unlock it.
    Lock {
        #[arg(long)]
        from: String,
        id: u64,
    },
    Unlock {
        #[arg(long)]
        from: String,
        id: u64,
    },
    /// Withdraw a bundle for good (e.g. exported to another registry).
    Cancel {
        #[arg(long)]
        from: String,
        id: u64,
    },
    /// Retire bundles irreversibly for a beneficiary; you receive a receipt NFT.
    Claim {
        #[arg(long)]
        from: String,
        ids: Vec<u64>,
        /// Claim only the first --wh Wh of a single bundle.
        #[arg(long)]
        wh: Option<u64>,
        #[arg(long)]
        beneficiary: String,
        #[arg(long, default_value = "electricity consumption")]
        purpose: String,
        #[arg(long, default_value = "DE")]
        location: String,
        /// Consumption period start (Unix seconds); default: the bundles' production span.
        #[arg(long)]
        period_start: Option<u64>,
        #[arg(long)]
        period_end: Option<u64>,
    },
    /// Freeze a bundle (issuer role).
    Revoke {
        #[arg(long)]
        from: String,
        id: u64,
        #[arg(long)]
        reason: String,
    },
    /// Declare your own metered consumption for past hours: HOUR:WH,HOUR:WH,…
    Declare {
        #[arg(long)]
        from: String,
        #[arg(long, value_delimiter = ',')]
        hours: Vec<String>,
    },
    /// An account's claims (receipts).
    Claims {
        #[arg(long)]
        claimant: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// 24/7 matching: per hour, consumption against same-hour claimed certificates,
    /// with the annual-volume score beside it (default: the last 8,760 hours).
    MatchReport {
        #[arg(long)]
        account: String,
        #[arg(long)]
        from_hour: Option<u64>,
        #[arg(long)]
        to_hour: Option<u64>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

/// Grams of one batch moving into or out of a pool.
#[derive(Args)]
pub struct PoolGrams {
    #[arg(long)]
    from: String,
    #[arg(long, default_value_t = 1)]
    pool: u64,
    #[arg(long)]
    batch: u64,
    #[arg(long)]
    grams: u128,
}

#[derive(Subcommand)]
pub enum CreditCommand {
    /// Bridge a credit batch by its registry serial (tokens minted on approval).
    Register {
        #[arg(long)]
        from: String,
        #[arg(long)]
        registry: String,
        #[arg(long)]
        serial: String,
        #[arg(long)]
        project: String,
        #[arg(long)]
        vintage: u16,
        /// Credit type, e.g. renewable, forestry, methane.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        tonnes: u64,
        /// KEY=VALUE, repeatable.
        #[arg(long = "attr")]
        attributes: Vec<String>,
    },
    /// Approve a pending batch (issuer role): mints tonnes × 10⁶ g to the registrant.
    Approve {
        #[arg(long)]
        from: String,
        batch: u64,
    },
    /// Refuse a pending batch (issuer role); its serial stays reserved.
    Reject {
        #[arg(long)]
        from: String,
        batch: u64,
        #[arg(long)]
        reason: String,
    },
    /// Open a credit pool with a filter (issuer role).
    CreatePool {
        #[arg(long)]
        from: String,
        #[arg(long)]
        min_vintage: u16,
        #[arg(long, default_value_t = 2100)]
        max_vintage: u16,
        #[arg(long, value_delimiter = ',')]
        kinds: Vec<String>,
    },
    /// Batches, optionally of one registrant.
    List {
        #[arg(long)]
        registrant: Option<String>,
    },
    /// Pools: coin, filter, grams held per batch.
    Pools,
    /// Deposit credit tokens (grams) for the pool's coin.
    Deposit(PoolGrams),
    /// Burn the pool's coin for the same grams of one batch it holds.
    Redeem(PoolGrams),
    /// Retire credits (--batch) or a pool's coin (--pool) for a beneficiary.
    Retire {
        #[arg(long)]
        from: String,
        #[arg(long, conflicts_with = "pool")]
        batch: Option<u64>,
        #[arg(long)]
        pool: Option<u64>,
        #[arg(long)]
        grams: u128,
        #[arg(long)]
        beneficiary: String,
        #[arg(long)]
        message: String,
    },
    /// Credit retirements, optionally of one retiree.
    Retirements {
        #[arg(long)]
        retiree: Option<String>,
    },
}

fn act(a: CarbonAction) -> Vec<AppAction> {
    vec![AppAction::Carbon(a)]
}

async fn bundle(client: &RpcClient, id: u64) -> Result<Bundle> {
    Ok(client.call("certificate", json!({ "id": id })).await?)
}

fn source_name(b: &Bundle) -> &'static str {
    match b.source {
        greenhour_carbon::EnergySource::Solar => "solar",
        greenhour_carbon::EnergySource::Storage => "storage",
    }
}

fn bundle_line(b: &Bundle) -> String {
    format!(
        "{:>12}..={:<12} {:>8} Wh  {:<16} {:<7} device {:<5} hour {}  owner {}",
        b.first,
        b.last,
        b.wh(),
        b.status.name(),
        source_name(b),
        b.device,
        b.hour(),
        b.owner
    )
}

/// Auditor columns: one row per bundle.
fn bundles_csv(bundles: &[Bundle]) -> String {
    let mut out = String::from(
        "first,last,wh,status,source,device,cell,start,end,owner,report,hash,parent,efficiency_bps,consumed,issued_at\n",
    );
    for b in bundles {
        let consumed: Vec<String> = b.consumed.iter().map(|(f, l)| format!("{f}-{l}")).collect();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            b.first,
            b.last,
            b.wh(),
            b.status.name(),
            source_name(b),
            b.device,
            b.cell.as_str(),
            b.start,
            b.end,
            b.owner,
            b.report,
            b.hash,
            b.parent.map(|h| h.to_string()).unwrap_or_default(),
            b.efficiency_bps.map(|e| e.to_string()).unwrap_or_default(),
            consumed.join(" "),
            b.issued_at
        ));
    }
    out
}

fn claims_csv(claims: &[Claim]) -> String {
    let mut out =
        String::from("receipt,claimant,beneficiary,purpose,location,period_start,period_end,wh,ranges,claimed_at\n");
    for c in claims {
        let ranges: Vec<String> = c.ranges.iter().map(|(f, l)| format!("{f}-{l}")).collect();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            c.receipt,
            c.claimant,
            field(&c.beneficiary),
            field(&c.purpose),
            field(&c.location),
            c.period_start,
            c.period_end,
            c.wh,
            ranges.join(" "),
            c.claimed_at
        ));
    }
    out
}

fn match_text(r: &MatchReport) -> String {
    let mut out = format!(
        "24/7 matching, hours {}..{}\n  consumed   {} Wh\n  claimed    {} Wh\n  matched    {} Wh (same hour)\n  hourly score        {:.2} %\n  annual-volume score {:.2} %\n",
        r.from_hour,
        r.to_hour,
        r.consumed_wh,
        r.claimed_wh,
        r.matched_wh,
        r.hourly_score_bps as f64 / 100.0,
        r.volume_score_bps as f64 / 100.0
    );
    for h in &r.hours {
        out.push_str(&format!(
            "  hour {}  consumed {:>8}  claimed {:>8}  matched {:>8}\n",
            h.hour, h.consumed_wh, h.claimed_wh, h.matched_wh
        ));
    }
    out
}

fn match_csv(r: &MatchReport) -> String {
    let mut out = String::from("hour,consumed_wh,claimed_wh,matched_wh\n");
    for h in &r.hours {
        out.push_str(&format!("{},{},{},{}\n", h.hour, h.consumed_wh, h.claimed_wh, h.matched_wh));
    }
    out
}

/// The most bundles `cert list` prints.
const LIST_MAX: usize = 5_000;

/// Reads the pages of the list read `method` with `params` from the start,
/// following each page's `next`, until the list ends or `max` items are in hand.
/// Returns the items and, when stopped early, the cursor the rest follows.
async fn pages<T: serde::de::DeserializeOwned>(
    client: &RpcClient,
    method: &str,
    mut params: Value,
    max: usize,
) -> Result<(Vec<T>, Option<u64>)> {
    let mut all = Vec::new();
    loop {
        let page: Page<T> = client.call(method, params.clone()).await?;
        all.extend(page.items);
        match page.next {
            // A cursor that does not move would page forever: a node answering so is refused.
            Some(next) if params["after"].as_u64() == Some(next) => {
                bail!("{method}: the node's page did not move on from {next}")
            }
            Some(next) if all.len() < max => params["after"] = json!(next),
            next => return Ok((all, next)),
        }
    }
}

pub async fn cert(cli: &Cli, c: &CertCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let done = |lines: Vec<String>| print(cli.json, &lines, || lines.join("\n"));
    match c {
        CertCommand::Issue { from, device, reports } => {
            let mut hashes: Vec<Hash> = reports
                .iter()
                .map(|h| h.parse().map_err(|_| anyhow::anyhow!("{h:?} is not a report hash")))
                .collect::<Result<_>>()?;
            if let Some(device) = device {
                let (certified, _): (Vec<Bundle>, _) =
                    pages(&client, "certificates", json!({ "device": device }), usize::MAX).await?;
                let stored: Vec<greenhour_devices::StoredReport> =
                    client.call("device_reports", json!({ "id": device, "from": 0 })).await?;
                for r in stored {
                    if r.report.generated_wh > 0 && !certified.iter().any(|b| b.report == r.hash) {
                        hashes.push(r.hash);
                    }
                }
            }
            if hashes.is_empty() {
                bail!("nothing to issue: give report hashes or a device with uncertified solar reports");
            }
            let actions: Vec<AppAction> =
                hashes.chunks(200).map(|c| AppAction::Carbon(CarbonAction::Issue { reports: c.to_vec() })).collect();
            let n = hashes.len();
            let lines = submit_actions(cli, from, actions).await?;
            print(cli.json, &json!({ "reports": n, "txs": lines }), || {
                format!("certified {n} reports\n{}", lines.join("\n"))
            });
        }
        CertCommand::List { owner, device, status, source, from_hour, to_hour, cell, format } => {
            let owner = owner.as_deref().map(|o| resolve(cli, o)).transpose()?;
            if owner.is_none() && device.is_none() {
                bail!("give --owner or --device");
            }
            let params = json!({ "owner": owner, "device": device, "status": status, "source": source,
                                 "from_hour": from_hour, "to_hour": to_hour, "cell": cell });
            let (list, more) = pages(&client, "certificates", params, LIST_MAX).await?;
            if let Some(after) = more {
                eprintln!("the first {} bundles; more follow bundle {after}", list.len());
            }
            let format = if cli.json { Format::Json } else { *format };
            emit(
                format,
                &list,
                || {
                    let total: u64 = list.iter().map(Bundle::wh).sum();
                    let mut out: Vec<String> = list.iter().map(bundle_line).collect();
                    out.push(format!("{} bundles, {total} Wh", list.len()));
                    out.join("\n")
                },
                || bundles_csv(&list),
            );
        }
        CertCommand::Show { id } => {
            let b = bundle(&client, *id).await?;
            print(cli.json, &b, || {
                format!(
                    "{}\n  production {}..{}  cell {}\n  report {}\n  hash {}  parent {}\n  consumed {:?}",
                    bundle_line(&b),
                    b.start,
                    b.end,
                    b.cell.as_str(),
                    b.report,
                    b.hash,
                    b.parent.map_or("-".into(), |h| h.to_string()),
                    b.consumed
                )
            });
        }
        CertCommand::Split { from, id, wh } => {
            done(submit_actions(cli, from, act(CarbonAction::Split { bundle: *id, wh: *wh })).await?)
        }
        CertCommand::Transfer { from, id, to, wh } => {
            let to = resolve(cli, to)?;
            done(submit_actions(cli, from, act(CarbonAction::Transfer { bundle: *id, to, wh: *wh })).await?)
        }
        CertCommand::Lock { from, id } => {
            done(submit_actions(cli, from, act(CarbonAction::Lock { bundle: *id })).await?)
        }
        CertCommand::Unlock { from, id } => {
            done(submit_actions(cli, from, act(CarbonAction::Unlock { bundle: *id })).await?)
        }
        CertCommand::Cancel { from, id } => {
            done(submit_actions(cli, from, act(CarbonAction::Cancel { bundle: *id })).await?)
        }
        CertCommand::Claim { from, ids, wh, beneficiary, purpose, location, period_start, period_end } => {
            if ids.is_empty() {
                bail!("name at least one bundle id");
            }
            let (mut start, mut end) = (u64::MAX, 0);
            for id in ids {
                let b = bundle(&client, *id).await?;
                start = start.min(b.start);
                end = end.max(b.end);
            }
            let terms = ClaimTerms {
                beneficiary: beneficiary.clone(),
                purpose: purpose.clone(),
                location: location.clone(),
                period_start: period_start.unwrap_or(start),
                period_end: period_end.unwrap_or(end),
            };
            let lines =
                submit_actions(cli, from, act(CarbonAction::Claim { bundles: ids.clone(), wh: *wh, terms })).await?;
            let me = resolve(cli, from)?;
            let claims: Vec<Claim> = client.call("claims", json!({ "claimant": me })).await?;
            let claim = claims.last().context("the claim is not visible yet")?;
            print(cli.json, claim, || {
                format!(
                    "{}\nclaimed {} Wh for {:?}: receipt NFT {}/{}",
                    lines.join("\n"),
                    claim.wh,
                    claim.beneficiary,
                    greenhour_carbon::RECEIPT_CLASS,
                    claim.receipt
                )
            });
        }
        CertCommand::Revoke { from, id, reason } => {
            done(submit_actions(cli, from, act(CarbonAction::Revoke { bundle: *id, reason: reason.clone() })).await?)
        }
        CertCommand::Declare { from, hours } => {
            let mut parsed = Vec::new();
            for h in hours {
                let (hour, wh) = h.split_once(':').with_context(|| format!("{h:?} is not HOUR:WH"))?;
                parsed.push((hour.parse().context("hour")?, wh.parse().context("Wh")?));
            }
            parsed.sort_unstable();
            done(submit_actions(cli, from, act(CarbonAction::Declare { hours: parsed })).await?)
        }
        CertCommand::Claims { claimant, format } => {
            let claimant = resolve(cli, claimant)?;
            let claims: Vec<Claim> = client.call("claims", json!({ "claimant": claimant })).await?;
            let format = if cli.json { Format::Json } else { *format };
            emit(
                format,
                &claims,
                || {
                    claims
                        .iter()
                        .map(|c| {
                            format!(
                                "receipt {:<6} {:>8} Wh  for {:?}  ({}, {})  {} ranges",
                                c.receipt,
                                c.wh,
                                c.beneficiary,
                                c.purpose,
                                c.location,
                                c.ranges.len()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                },
                || claims_csv(&claims),
            );
        }
        CertCommand::MatchReport { account, from_hour, to_hour, format } => {
            let account = resolve(cli, account)?;
            let now_hour = client.status().await?.latest_block_time / 3_600 + 1;
            let to = to_hour.unwrap_or(now_hour);
            let from = from_hour.unwrap_or(to.saturating_sub(8_760));
            let r: MatchReport =
                client.call("match_report", json!({ "account": account, "from_hour": from, "to_hour": to })).await?;
            let format = if cli.json { Format::Json } else { *format };
            emit(format, &r, || match_text(&r), || match_csv(&r));
        }
    }
    Ok(())
}

pub async fn credit(cli: &Cli, c: &CreditCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let done = |lines: Vec<String>| print(cli.json, &lines, || lines.join("\n"));
    match c {
        CreditCommand::Register { from, registry, serial, project, vintage, kind, tonnes, attributes } => {
            let attributes = attributes
                .iter()
                .map(|a| a.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
                .collect::<Option<Vec<_>>>()
                .context("attributes are KEY=VALUE")?;
            let action = CarbonAction::RegisterCredit {
                registry: registry.clone(),
                serial: serial.clone(),
                project: project.clone(),
                vintage: *vintage,
                kind: kind.clone(),
                tonnes: *tonnes,
                attributes,
            };
            let lines = submit_actions(cli, from, act(action)).await?;
            let me = resolve(cli, from)?;
            let (mine, _): (Vec<CreditBatch>, _) =
                pages(&client, "credits", json!({ "registrant": me }), usize::MAX).await?;
            let batch = mine.last().context("the batch is not visible yet")?;
            print(cli.json, batch, || {
                format!("{}\nregistered batch {} (pending approval)", lines.join("\n"), batch.id)
            });
        }
        CreditCommand::Approve { from, batch } => {
            done(submit_actions(cli, from, act(CarbonAction::ApproveCredit { batch: *batch })).await?)
        }
        CreditCommand::Reject { from, batch, reason } => done(
            submit_actions(cli, from, act(CarbonAction::RejectCredit { batch: *batch, reason: reason.clone() }))
                .await?,
        ),
        CreditCommand::CreatePool { from, min_vintage, max_vintage, kinds } => {
            let filter = CreditFilter { min_vintage: *min_vintage, max_vintage: *max_vintage, kinds: kinds.clone() };
            done(submit_actions(cli, from, act(CarbonAction::CreatePool { filter })).await?)
        }
        CreditCommand::List { registrant } => {
            let registrant = registrant.as_deref().map(|r| resolve(cli, r)).transpose()?;
            let (list, _): (Vec<CreditBatch>, _) =
                pages(&client, "credits", json!({ "registrant": registrant }), usize::MAX).await?;
            print(cli.json, &list, || {
                list.iter()
                    .map(|b| {
                        format!(
                            "batch {:<4} {}/{}  {}  vintage {} {}  {} t  {}  retired {} g",
                            b.id,
                            b.registry,
                            b.serial,
                            b.project,
                            b.vintage,
                            b.kind,
                            b.tonnes,
                            greenhour_carbon::api::credit_status_name(&b.status),
                            b.retired_g
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        CreditCommand::Pools => {
            let pools: Vec<Value> = client.call("credit_pools", json!({})).await?;
            print(cli.json, &pools, || pools.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"));
        }
        CreditCommand::Deposit(PoolGrams { from, pool, batch, grams }) => done(
            submit_actions(cli, from, act(CarbonAction::Deposit { pool: *pool, batch: *batch, grams: *grams })).await?,
        ),
        CreditCommand::Redeem(PoolGrams { from, pool, batch, grams }) => done(
            submit_actions(cli, from, act(CarbonAction::Redeem { pool: *pool, batch: *batch, grams: *grams })).await?,
        ),
        CreditCommand::Retire { from, batch, pool, grams, beneficiary, message } => {
            let asset = match (batch, pool) {
                (Some(batch), None) => RetireAsset::Credit { batch: *batch },
                (None, Some(pool)) => RetireAsset::Coin { pool: *pool },
                _ => bail!("give --batch (credits) or --pool (coin)"),
            };
            let action = CarbonAction::Retire {
                asset,
                grams: *grams,
                beneficiary: beneficiary.clone(),
                message: message.clone(),
            };
            let lines = submit_actions(cli, from, act(action)).await?;
            let me = resolve(cli, from)?;
            let (mine, _): (Vec<Retirement>, _) =
                pages(&client, "retirements", json!({ "retiree": me }), usize::MAX).await?;
            let r = mine.last().context("the retirement is not visible yet")?;
            print(cli.json, r, || {
                format!(
                    "{}\nretired {grams} g for {:?}: receipt NFT {}/{}",
                    lines.join("\n"),
                    r.beneficiary,
                    greenhour_carbon::RECEIPT_CLASS,
                    r.receipt
                )
            });
        }
        CreditCommand::Retirements { retiree } => {
            let retiree = retiree.as_deref().map(|r| resolve(cli, r)).transpose()?;
            let (list, _): (Vec<Retirement>, _) =
                pages(&client, "retirements", json!({ "retiree": retiree }), usize::MAX).await?;
            print(cli.json, &list, || {
                list.iter()
                    .map(|r| format!("receipt {:<5} {:?} for {:?}: {}", r.receipt, r.credits, r.beneficiary, r.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}
