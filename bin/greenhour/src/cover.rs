//! `greenhour cover …`: parametric cover (the `cover` module): stake the pool and
//! claim its slashing rewards, quote and buy downtime cover for your device or
//! failure and green-shortfall cover for your job, show the pool and covers.

use crate::context::{resolve, submit_actions};
use crate::output::print;
use crate::Cli;
use anyhow::Result;
use clap::Subcommand;
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_cover::query::{CoverQuery, PoolView, StakeView};
use greenhour_cover::{Cover, CoverAction, JobPeril, Peril, Quote};
use greenhour_devices::DeviceId;

#[derive(Subcommand)]
pub enum CoverCommand {
    /// Stake ugusd into the cover pool for shares.
    Stake {
        #[arg(long)]
        from: String,
        amount: u128,
    },
    /// Withdraw shares from the pool (capital outstanding cover locks stays).
    Unstake {
        #[arg(long)]
        from: String,
        shares: u128,
        #[arg(long, default_value_t = 0)]
        min_amount: u128,
    },
    /// What cover on your device costs now: --hours of --per-hour ugusd.
    Quote {
        #[arg(long)]
        device: u64,
        #[arg(long)]
        hours: u32,
        #[arg(long)]
        per_hour: u128,
    },
    /// Buy downtime cover for your device: --per-hour ugusd for each of --hours hours
    /// from --first-hour (a UTC hour index not yet started) it reports too little telemetry.
    Buy {
        #[arg(long)]
        from: String,
        #[arg(long)]
        device: u64,
        #[arg(long)]
        first_hour: u64,
        #[arg(long)]
        hours: u32,
        #[arg(long)]
        per_hour: u128,
        /// The most premium you pay (default: the quote).
        #[arg(long)]
        max_premium: Option<u128>,
    },
    /// What cover on your job costs now: --sum ugusd once if it ends by --peril.
    JobQuote(JobTerms),
    /// Cover a job you posted, before it can start: --sum ugusd once if it fails or
    /// expires unserved (--peril failure) or settles below its green floor
    /// (--peril green_shortfall).
    BuyJob {
        #[arg(long)]
        from: String,
        #[command(flatten)]
        terms: JobTerms,
        /// The most premium you pay (default: the quote).
        #[arg(long)]
        max_premium: Option<u128>,
    },
    /// Collect the slashed GHR your stake has earned.
    Claim {
        #[arg(long)]
        from: String,
    },
    /// The pool: capital, cover outstanding, premiums, payouts, utilisation.
    Pool,
    /// A staker's shares and their worth.
    Staker { staker: String },
    /// One cover.
    Show { id: u64 },
    /// A holder's covers.
    List { holder: String },
}

/// A job cover's terms: the job, the peril, the sum insured.
#[derive(clap::Args)]
pub struct JobTerms {
    #[arg(long)]
    job: u64,
    #[arg(long, value_parser = parse_peril)]
    peril: JobPeril,
    #[arg(long)]
    sum: u128,
}

impl JobTerms {
    fn quote(&self) -> CoverQuery {
        CoverQuery::JobQuote { job: self.job, peril: self.peril, sum_insured: self.sum }
    }
}

fn parse_peril(s: &str) -> Result<JobPeril, String> {
    match s {
        "failure" => Ok(JobPeril::Failure),
        "green_shortfall" | "green-shortfall" => Ok(JobPeril::GreenShortfall),
        other => Err(format!("{other} is not a job peril: failure or green_shortfall")),
    }
}

fn cover_line(c: &Cover) -> String {
    let what = match c.peril {
        Peril::Downtime { device } => format!(
            "downtime of device {device}: {} ugusd/hour × {} hours from hour {}",
            c.sum_insured, c.events, c.first_hour
        ),
        Peril::Job { job, peril } => format!("{} of job {job}: {} ugusd", peril.name(), c.sum_insured),
    };
    let state = if c.is_done() { "done".to_string() } else { format!("next judged in hour {}", c.next_hour) };
    format!(
        "cover {} for {}, {what} (premium {}), {state}, {} of {} events paid ({} ugusd)",
        c.id, c.holder, c.premium, c.events_paid, c.events, c.paid
    )
}

fn quote_line(q: &Quote) -> String {
    format!(
        "premium {} ugusd: {:.2} % of the sum per event (expected loss {:.2} %, pool utilisation after {:.2} %){}",
        q.premium,
        q.rate_bps as f64 / 100.0,
        q.expected_loss_bps as f64 / 100.0,
        q.utilisation_bps as f64 / 100.0,
        if q.within_capacity { "" } else { "  — beyond the pool's capacity" }
    )
}

async fn commit(cli: &Cli, from: &str, action: CoverAction) -> Result<()> {
    let done = submit_actions(cli, from, vec![AppAction::Cover(action)]).await?;
    print(cli.json, &done, || done.join("\n"));
    Ok(())
}

pub async fn run(cli: &Cli, c: &CoverCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    match c {
        CoverCommand::Stake { from, amount } => {
            commit(cli, from, CoverAction::Stake { amount: *amount, min_shares: 0 }).await?
        }
        CoverCommand::Unstake { from, shares, min_amount } => {
            commit(cli, from, CoverAction::Unstake { shares: *shares, min_amount: *min_amount }).await?
        }
        CoverCommand::Quote { device, hours, per_hour } => {
            let q: Quote =
                client.query(&CoverQuery::Quote { device: *device, hours: *hours, per_hour: *per_hour }).await?;
            print(cli.json, &q, || quote_line(&q));
        }
        CoverCommand::JobQuote(terms) => {
            let q: Quote = client.query(&terms.quote()).await?;
            print(cli.json, &q, || quote_line(&q));
        }
        CoverCommand::BuyJob { from, terms, max_premium } => {
            let max_premium = match max_premium {
                Some(m) => *m,
                None => client.query::<_, Quote>(&terms.quote()).await?.premium,
            };
            let action =
                CoverAction::BuyJobCover { job: terms.job, peril: terms.peril, sum_insured: terms.sum, max_premium };
            commit(cli, from, action).await?
        }
        CoverCommand::Claim { from } => commit(cli, from, CoverAction::ClaimRewards {}).await?,
        CoverCommand::Buy { from, device, first_hour, hours, per_hour, max_premium } => {
            let max_premium = match max_premium {
                Some(m) => *m,
                None => {
                    let q: Quote = client
                        .query(&CoverQuery::Quote { device: *device, hours: *hours, per_hour: *per_hour })
                        .await?;
                    q.premium
                }
            };
            let action = CoverAction::Buy {
                device: DeviceId(*device),
                first_hour: *first_hour,
                hours: *hours,
                per_hour: *per_hour,
                max_premium,
            };
            commit(cli, from, action).await?
        }
        CoverCommand::Pool => {
            let v: PoolView = client.query(&CoverQuery::Pool {}).await?;
            print(cli.json, &v, || {
                format!(
                    "capital {} ugusd, {} shares, cover outstanding {} (utilisation {:.2} %, {} more can be sold), premiums {}, payouts {} for {} events, {} covers sold, {} ughr of slashing received",
                    v.pool.capital,
                    v.pool.shares,
                    v.pool.locked,
                    v.utilisation_bps as f64 / 100.0,
                    v.capacity_left,
                    v.pool.premiums,
                    v.pool.payouts,
                    v.pool.events_paid,
                    v.pool.covers_sold,
                    v.pool.ghr_received
                )
            });
        }
        CoverCommand::Staker { staker } => {
            let v: StakeView = client.query(&CoverQuery::Stake { staker: resolve(cli, staker)? }).await?;
            print(cli.json, &v, || {
                format!(
                    "{} holds {} shares worth {} ugusd, {} ughr of rewards to claim",
                    v.staker, v.shares, v.worth, v.ghr_rewards
                )
            });
        }
        CoverCommand::Show { id } => {
            let c: Cover = client.query(&CoverQuery::Cover { id: *id }).await?;
            print(cli.json, &c, || cover_line(&c));
        }
        CoverCommand::List { holder } => {
            let all: Vec<Cover> = client.query(&CoverQuery::Covers { holder: resolve(cli, holder)? }).await?;
            print(cli.json, &all, || {
                if all.is_empty() {
                    return "no covers".into();
                }
                all.iter().map(cover_line).collect::<Vec<_>>().join("\n")
            });
        }
    }
    Ok(())
}
