//! `greenhour vault …` and `greenhour stable …`: gUSD vaults (the `stable`
//! module): open one against GHR or carbon coin at a rate you choose, add and take
//! collateral, mint and repay, close, redeem gUSD for collateral, liquidate, the
//! stability pool, and the reserve report.

use crate::context::{resolve, submit_actions};
use crate::output::print;
use crate::Cli;
use anyhow::Result;
use clap::Subcommand;
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_primitives::Denom;
use greenhour_stable::query::{DepositView, Reserve, StableQuery, VaultView};
use greenhour_stable::{StableAction, VaultId};

#[derive(Subcommand)]
pub enum VaultCommand {
    /// Lock collateral (--denom ughr or ugco2) and mint gUSD at an annual rate you set (bps).
    Open {
        #[arg(long)]
        from: String,
        #[arg(long, default_value = "ughr")]
        denom: String,
        /// Collateral units (micro).
        #[arg(long)]
        collateral: u128,
        /// gUSD to mint, ugusd.
        #[arg(long)]
        mint: u128,
        /// Annual interest rate, bps: the lower it is, the sooner the vault is redeemed against.
        #[arg(long)]
        rate_bps: u32,
    },
    /// Add collateral.
    Deposit {
        #[arg(long)]
        from: String,
        vault: u64,
        amount: u128,
    },
    /// Take collateral back (the vault must stay above its minimum ratio).
    Withdraw {
        #[arg(long)]
        from: String,
        vault: u64,
        amount: u128,
    },
    /// Mint more gUSD against the vault.
    Mint {
        #[arg(long)]
        from: String,
        vault: u64,
        amount: u128,
    },
    /// Repay part of the debt (down to the minimum; `close` repays all).
    Repay {
        #[arg(long)]
        from: String,
        vault: u64,
        amount: u128,
    },
    /// Set the vault's interest rate, bps.
    Rate {
        #[arg(long)]
        from: String,
        vault: u64,
        rate_bps: u32,
    },
    /// Repay everything and take the collateral back.
    Close {
        #[arg(long)]
        from: String,
        vault: u64,
    },
    /// Burn gUSD for collateral at face value, from the lowest-rate vaults of a branch.
    Redeem {
        #[arg(long)]
        from: String,
        #[arg(long, default_value = "ughr")]
        denom: String,
        amount: u128,
        /// Refuse if the fee is above this, bps.
        #[arg(long, default_value_t = 500)]
        max_fee_bps: u32,
    },
    /// Liquidate a vault below its minimum ratio (anyone may; 0.5 % of its collateral is yours).
    Liquidate {
        #[arg(long)]
        from: String,
        vault: u64,
    },
    /// One vault with its interest to now, ratio and health.
    Show { vault: u64 },
    /// An account's vaults, or with --denom a branch's in redemption order (--liquidatable: only those below the minimum).
    List {
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        denom: Option<String>,
        #[arg(long)]
        liquidatable: bool,
    },
}

#[derive(Subcommand)]
pub enum StableCommand {
    /// What backs gUSD: each collateral's amount, price, value, debt and ratio; legacy
    /// gUSD; the green-compute share; the stability pool; the redemption fee.
    Reserve,
    /// Deposit gUSD in the stability pool (it burns liquidated debt for collateral and earns the interest).
    PoolDeposit {
        #[arg(long)]
        from: String,
        amount: u128,
    },
    /// Withdraw gUSD from the stability pool (0: only collect collateral gains).
    PoolWithdraw {
        #[arg(long)]
        from: String,
        amount: u128,
    },
    /// An account's stability-pool deposit and its collateral gains.
    Pool { owner: String },
}

fn percent(bps: Option<u64>) -> String {
    bps.map_or("-".into(), |b| format!("{:.1} %", b as f64 / 100.0))
}

fn describe_vault(v: &VaultView) -> String {
    let x = &v.vault;
    format!(
        "vault {:>4}  {}  {} {} against {} ugusd at {:.2} %/y  ratio {} (min {:.0} %){}",
        x.id,
        x.owner,
        x.collateral,
        x.denom,
        x.debt,
        x.rate_bps as f64 / 100.0,
        percent(v.ratio_bps),
        v.mcr_bps as f64 / 100.0,
        if v.liquidatable {
            "  LIQUIDATABLE"
        } else if v.price_wad.is_none() {
            "  (price unavailable: frozen)"
        } else {
            ""
        }
    )
}

fn describe_reserve(r: &Reserve) -> String {
    let mut s = format!(
        "gUSD supply {}  = legacy (genesis) {} + vault debt {} + minted into lending {}\ncollateral value {}  ratio {}  green compute {:.1} %  redemption fee now {:.2} %",
        r.supply,
        r.legacy_supply,
        r.vault_debt,
        r.direct_minted,
        r.collateral_value,
        percent(r.collateral_ratio_bps),
        r.green_compute_bps as f64 / 100.0,
        r.redemption_fee_bps as f64 / 100.0
    );
    for b in &r.branches {
        s.push_str(&format!(
            "\n  {:<6} {} vaults  collateral {}  value {}  debt {} of {}  ratio {} (min {:.0} %){}",
            b.denom.to_string(),
            b.vaults,
            b.collateral,
            b.value.map_or("-".into(), |v| v.to_string()),
            b.debt,
            b.debt_ceiling,
            percent(b.ratio_bps),
            b.mcr_bps as f64 / 100.0,
            if b.price_wad.is_none() { format!("  (feed {} unavailable)", b.feed) } else { String::new() }
        ));
    }
    for d in &r.direct_deposits {
        s.push_str(&format!(
            "\n  direct deposit into lending market {} ({}{}): minted {}  worth {}{}  market {} borrowed of {} ({:.1} %){}",
            d.market,
            d.collateral,
            if d.green_compute { ", green compute" } else { "" },
            d.minted,
            d.assets,
            if d.loss > 0 { format!("  loss {}", d.loss) } else { String::new() },
            d.market_borrowed,
            d.market_supplied,
            d.utilisation_bps as f64 / 100.0,
            if d.named { "" } else { "  (no longer named: unwinding)" }
        ));
    }
    let p = &r.stability_pool;
    s.push_str(&format!("\nstability pool {} ugusd in {} shares, epoch {}", p.gusd, p.shares, p.epoch));
    s
}

pub async fn run_vault(cli: &Cli, c: &VaultCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let submit = |from: &str, action: StableAction| {
        let from = from.to_string();
        async move {
            let done = submit_actions(cli, &from, vec![AppAction::Stable(action)]).await?;
            print(cli.json, &done, || done.join("\n"));
            Ok::<(), anyhow::Error>(())
        }
    };
    let v = |id: &u64| VaultId(*id);
    match c {
        VaultCommand::Open { from, denom, collateral, mint, rate_bps } => {
            let owner = resolve(cli, from)?;
            let action =
                StableAction::Open { denom: denom.parse()?, collateral: *collateral, debt: *mint, rate_bps: *rate_bps };
            let done = submit_actions(cli, from, vec![AppAction::Stable(action)]).await?;
            // The new vault is the owner's highest id.
            let vaults: Vec<VaultView> = client.query(&StableQuery::Vaults { owner }).await?;
            let id = vaults.iter().map(|x| x.vault.id.0).max();
            print(cli.json, &serde_json::json!({ "vault": id, "txs": done }), || {
                format!("{}\nvault {} opened", done.join("\n"), id.map_or("?".into(), |i| i.to_string()))
            });
        }
        VaultCommand::Deposit { from, vault, amount } => {
            submit(from, StableAction::Deposit { vault: v(vault), amount: *amount }).await?
        }
        VaultCommand::Withdraw { from, vault, amount } => {
            submit(from, StableAction::Withdraw { vault: v(vault), amount: *amount }).await?
        }
        VaultCommand::Mint { from, vault, amount } => {
            submit(from, StableAction::Mint { vault: v(vault), amount: *amount }).await?
        }
        VaultCommand::Repay { from, vault, amount } => {
            submit(from, StableAction::Repay { vault: v(vault), amount: *amount }).await?
        }
        VaultCommand::Rate { from, vault, rate_bps } => {
            submit(from, StableAction::SetRate { vault: v(vault), rate_bps: *rate_bps }).await?
        }
        VaultCommand::Close { from, vault } => submit(from, StableAction::Close { vault: v(vault) }).await?,
        VaultCommand::Redeem { from, denom, amount, max_fee_bps } => {
            let action = StableAction::Redeem { denom: denom.parse()?, amount: *amount, max_fee_bps: *max_fee_bps };
            submit(from, action).await?
        }
        VaultCommand::Liquidate { from, vault } => submit(from, StableAction::Liquidate { vault: v(vault) }).await?,
        VaultCommand::Show { vault } => {
            let view: VaultView = client.query(&StableQuery::Vault { id: *vault }).await?;
            print(cli.json, &view, || describe_vault(&view));
        }
        VaultCommand::List { owner, denom, liquidatable } => {
            let list: Vec<VaultView> = match (owner, denom) {
                (Some(owner), None) => client.query(&StableQuery::Vaults { owner: resolve(cli, owner)? }).await?,
                (None, Some(denom)) if *liquidatable => {
                    client.query(&StableQuery::Liquidatable { denom: denom.parse::<Denom>()? }).await?
                }
                (None, Some(denom)) => {
                    client.query(&StableQuery::RedemptionOrder { denom: denom.parse::<Denom>()? }).await?
                }
                _ => anyhow::bail!(
                    "give --owner ACCOUNT, or --denom DENOM (with --liquidatable for those below the minimum)"
                ),
            };
            print(cli.json, &list, || {
                if list.is_empty() {
                    return "no vaults".into();
                }
                list.iter().map(describe_vault).collect::<Vec<_>>().join("\n")
            });
        }
    }
    Ok(())
}

pub async fn run_stable(cli: &Cli, c: &StableCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match c {
        StableCommand::Reserve => {
            let r: Reserve = client.query(&StableQuery::Reserve {}).await?;
            print(cli.json, &r, || describe_reserve(&r));
        }
        StableCommand::PoolDeposit { from, amount } => {
            let done =
                submit_actions(cli, from, vec![AppAction::Stable(StableAction::PoolDeposit { amount: *amount })])
                    .await?;
            print(cli.json, &done, || done.join("\n"));
        }
        StableCommand::PoolWithdraw { from, amount } => {
            let done =
                submit_actions(cli, from, vec![AppAction::Stable(StableAction::PoolWithdraw { amount: *amount })])
                    .await?;
            print(cli.json, &done, || done.join("\n"));
        }
        StableCommand::Pool { owner } => {
            let d: DepositView = client.query(&StableQuery::Deposit { owner: resolve(cli, owner)? }).await?;
            print(cli.json, &d, || {
                let gains: Vec<String> = d.gains.iter().map(|g| format!("{} {}", g.amount, g.denom)).collect();
                format!(
                    "{}: {} shares worth {} ugusd; collateral gains {}",
                    d.owner,
                    d.shares,
                    d.gusd,
                    if gains.is_empty() { "none".into() } else { gains.join(", ") }
                )
            });
        }
    }
    Ok(())
}
