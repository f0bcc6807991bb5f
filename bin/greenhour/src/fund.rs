//! `greenhour fund …`: vaults that buy RWA tranches with depositors' gUSD (the
//! `funds` module): create, deposit, redeem now, in turn or in kind, transfer
//! shares, allocate and buy carbon coin (as manager), show, list, shares.

use crate::context::{parse_enum, resolve, submit_actions};
use crate::output::print;
use crate::Cli;
use anyhow::Result;
use clap::Subcommand;
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_funds::query::{FundView, FundsQuery, SharesView};
use greenhour_funds::{FundId, FundsAction};
use greenhour_rwa::PackageId;

#[derive(Subcommand)]
pub enum FundCommand {
    /// Create a fund you manage: --mandate green_compute (any package's tranches),
    /// future (only packages issued after the fund), governed (only the tranches a
    /// passed proposal lists: `gov propose --fund-mandate`) or esg (carbon coin).
    Create {
        #[arg(long)]
        from: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "green_compute")]
        mandate: String,
        /// A year's fee on the fund's assets, bps.
        #[arg(long, default_value_t = 100)]
        management_fee_bps: u32,
        /// The share of gains above the high-water mark, bps.
        #[arg(long, default_value_t = 1_000)]
        performance_fee_bps: u32,
        /// Only addresses with a verified identity (KYC) may hold shares.
        #[arg(long)]
        verified_only: bool,
    },
    /// Deposit ugusd for shares.
    Deposit {
        #[arg(long)]
        from: String,
        fund: u64,
        assets: u128,
        #[arg(long, default_value_t = 0)]
        min_shares: u128,
    },
    /// Redeem shares now from the fund's cash (refused when it is short: use request-redeem).
    Redeem {
        #[arg(long)]
        from: String,
        fund: u64,
        shares: u128,
        #[arg(long, default_value_t = 0)]
        min_assets: u128,
    },
    /// Queue shares for redemption, paid at the hour's price as the fund gets cash, oldest first.
    RequestRedeem {
        #[arg(long)]
        from: String,
        fund: u64,
        shares: u128,
    },
    /// Move shares to another holder.
    Transfer {
        #[arg(long)]
        from: String,
        fund: u64,
        #[arg(long)]
        to: String,
        shares: u128,
    },
    /// As the manager: subscribe the fund's cash to a tranche, or redeem its units, at the package's next epoch.
    Allocate {
        #[arg(long)]
        from: String,
        fund: u64,
        #[arg(long)]
        package: u64,
        #[arg(long)]
        tranche: u32,
        #[arg(long, default_value_t = 0)]
        invest: u128,
        #[arg(long, default_value_t = 0)]
        redeem: u128,
    },
    /// As an ESG fund's manager: spend ugusd of its cash on carbon coin (a gUSD
    /// redemption against the stable module's ugco2 branch at the oracle price).
    BuyCarbon {
        #[arg(long)]
        from: String,
        fund: u64,
        gusd: u128,
        /// Refused if the redemption fee is above this, bps.
        #[arg(long, default_value_t = 100)]
        max_fee_bps: u32,
    },
    /// Redeem shares for their slice of the fund's gUSD and carbon coin (funds holding no tranches).
    RedeemInKind {
        #[arg(long)]
        from: String,
        fund: u64,
        shares: u128,
    },
    /// One fund valued now: cash, assets, price per share, holdings, queue, fees.
    Show { fund: u64 },
    /// Every fund.
    List,
    /// A holder's shares of a fund and their worth now.
    Shares { fund: u64, holder: String },
}

fn describe(v: &FundView) -> String {
    let f = &v.fund;
    let mut s = format!(
        "fund {} {:?} ({} mandate) manager {}  assets {}  cash {}  shares {}  price/share {}  queued {} in {} requests  fees {:.2} % + {:.1} % of gains, taken {}{}",
        f.id,
        f.name,
        f.mandate.name(),
        f.manager,
        v.total_assets.map_or("-".into(), |t| t.to_string()),
        v.idle,
        v.book.shares,
        // A first deposit buys 10^6 shares per ugusd (the virtual offset): par is 10^-6 ugusd (10^12 WAD).
        v.price_per_share_wad.map_or("-".into(), |p| format!("{:.6} × par", p as f64 / 1e12)),
        v.book.queued_shares,
        v.requests.len(),
        f.management_fee_bps as f64 / 100.0,
        f.performance_fee_bps as f64 / 100.0,
        v.book.fees_taken,
        v.nav_error.as_ref().map_or(String::new(), |e| format!("  (unvalued: {e})"))
    );
    for h in &v.holdings {
        match &h.worth {
            Some(w) => s.push_str(&format!(
                "\n  package {} tranche {}: {} units (+{} redeeming, {} ugusd investing)  payout due {}  worth {}",
                h.package, h.tranche, w.units, w.redeeming, w.investing, w.payout_due, w.value
            )),
            None => s.push_str(&format!("\n  package {} tranche {}: unvalued", h.package, h.tranche)),
        }
    }
    if v.carbon > 0 {
        s.push_str(&format!(
            "\n  carbon coin {} ugco2 worth {}",
            v.carbon,
            v.carbon_worth.map_or("- (no trusted price)".into(), |w| format!("{w} ugusd"))
        ));
    }
    if !v.approved.is_empty() {
        let list: Vec<String> = v.approved.iter().map(|(p, t)| format!("{p}.{t}")).collect();
        s.push_str(&format!("\n  governance approved (package.tranche): {}", list.join(", ")));
    }
    s.push_str(&format!("\n  custody {} (the identity a KYC provider verifies)", v.custody));
    s
}

async fn commit(cli: &Cli, from: &str, action: FundsAction) -> Result<()> {
    let done = submit_actions(cli, from, vec![AppAction::Funds(action)]).await?;
    print(cli.json, &done, || done.join("\n"));
    Ok(())
}

pub async fn run(cli: &Cli, c: &FundCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match c {
        FundCommand::Create { from, name, mandate, management_fee_bps, performance_fee_bps, verified_only } => {
            let action = FundsAction::Create {
                name: name.clone(),
                mandate: parse_enum("mandate", mandate, "green_compute, future, governed or esg")?,
                management_fee_bps: *management_fee_bps,
                performance_fee_bps: *performance_fee_bps,
                verified_only: *verified_only,
            };
            commit(cli, from, action).await?;
        }
        FundCommand::Deposit { from, fund, assets, min_shares } => {
            let action = FundsAction::Deposit { fund: FundId(*fund), assets: *assets, min_shares: *min_shares };
            commit(cli, from, action).await?;
        }
        FundCommand::Redeem { from, fund, shares, min_assets } => {
            let action = FundsAction::Redeem { fund: FundId(*fund), shares: *shares, min_assets: *min_assets };
            commit(cli, from, action).await?;
        }
        FundCommand::RequestRedeem { from, fund, shares } => {
            commit(cli, from, FundsAction::RequestRedeem { fund: FundId(*fund), shares: *shares }).await?;
        }
        FundCommand::Transfer { from, fund, to, shares } => {
            let action = FundsAction::Transfer { fund: FundId(*fund), to: resolve(cli, to)?, shares: *shares };
            commit(cli, from, action).await?;
        }
        FundCommand::Allocate { from, fund, package, tranche, invest, redeem } => {
            let action = FundsAction::Allocate {
                fund: FundId(*fund),
                package: PackageId(*package),
                tranche: *tranche,
                invest: *invest,
                redeem: *redeem,
            };
            commit(cli, from, action).await?;
        }
        FundCommand::BuyCarbon { from, fund, gusd, max_fee_bps } => {
            let action = FundsAction::BuyCarbon { fund: FundId(*fund), gusd: *gusd, max_fee_bps: *max_fee_bps };
            commit(cli, from, action).await?;
        }
        FundCommand::RedeemInKind { from, fund, shares } => {
            commit(cli, from, FundsAction::RedeemInKind { fund: FundId(*fund), shares: *shares }).await?;
        }
        FundCommand::Show { fund } => {
            let v: FundView = client.query(&FundsQuery::Fund { id: *fund }).await?;
            print(cli.json, &v, || describe(&v));
        }
        FundCommand::List => {
            let all: Vec<FundView> = client.query(&FundsQuery::Funds {}).await?;
            print(cli.json, &all, || {
                if all.is_empty() {
                    return "no funds".into();
                }
                all.iter().map(describe).collect::<Vec<_>>().join("\n")
            });
        }
        FundCommand::Shares { fund, holder } => {
            let holder = resolve(cli, holder)?;
            let v: SharesView = client.query(&FundsQuery::Shares { fund: *fund, holder }).await?;
            print(cli.json, &v, || {
                format!(
                    "{} holds {} shares of fund {} worth {} ugusd, {} queued for redemption",
                    v.holder,
                    v.shares,
                    v.fund,
                    v.worth.map_or("-".into(), |w| w.to_string()),
                    v.queued
                )
            });
        }
    }
    Ok(())
}
