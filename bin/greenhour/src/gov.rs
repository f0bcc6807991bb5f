//! `greenhour gov …`: governance by bonded GHR (the `governance` module, after
//! Cosmos x/gov): submit a proposal with typed messages (parameter changes within
//! their declared bounds, community-pool spends, upgrades, pauses), deposit,
//! vote (or split a vote), follow a proposal to its end, buy from a sale of
//! community-pool GHR, and the guardians' emergency pause.

use crate::context::{parse_enum, resolve, submit_actions};
use crate::output::print;
use crate::Cli;
use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use greenhour_app::modules::AppRouter;
use greenhour_app::AppAction;
use greenhour_client::RpcClient;
use greenhour_framework::params::ParamRouter;
use greenhour_governance::query::{GovernanceQuery, GovernanceView, ProposalView, RaiseView};
use greenhour_governance::{
    GovernanceAction, Proposal, ProposalMessage, ProposalStatus, Tally, Vote, VoteOption, WeightedOption,
};
use greenhour_primitives::Coin;
use std::time::Duration;

// Parsed once per process from the command line: the size of its largest
// variant costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum GovCommand {
    /// Submit a proposal. Its messages are checked now (a parameter outside its
    /// module's bounds is refused) and execute together after the vote and the timelock.
    #[command(alias = "submit")]
    Propose {
        #[arg(long)]
        from: String,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        summary: String,
        /// Initial deposit, ughr (escrowed; returned unless the proposal is vetoed).
        #[arg(long, default_value_t = 0)]
        deposit: u128,
        /// A shorter vote with a higher threshold and deposit.
        #[arg(long)]
        expedited: bool,
        /// `module.name=value`: set a governed parameter (`gov params` lists them).
        #[arg(long = "set")]
        set: Vec<String>,
        /// `ACCOUNT=COINS`: pay from the community pool, e.g. `bob=5000000000ughr`.
        #[arg(long = "spend")]
        spend: Vec<String>,
        /// `NAME@HEIGHT`: every node stops at HEIGHT and asks for release NAME.
        #[arg(long)]
        upgrade: Option<String>,
        /// What operators should run for the upgrade (a URL, a version).
        #[arg(long, default_value = "")]
        upgrade_info: String,
        #[arg(long)]
        cancel_upgrade: bool,
        /// `MODULE@UNIX_TIME`: refuse the module's actions until then.
        #[arg(long = "pause")]
        pause: Vec<String>,
        /// Lift a module's pause.
        #[arg(long = "unpause")]
        unpause: Vec<String>,
        /// Raise gUSD by selling this much community-pool GHR (ughr), for `--raise-purpose`.
        #[arg(long, requires_all = ["raise_price", "raise_purpose"])]
        raise_ghr: Option<u128>,
        /// `START[:END]`: ugusd per GHR, falling linearly to END over the sale (a Dutch
        /// sale); one price is a fixed-price sale.
        #[arg(long)]
        raise_price: Option<String>,
        /// How long the sale lasts after the proposal executes, seconds of chain time.
        #[arg(long, default_value_t = 86_400)]
        raise_secs: u64,
        #[arg(long)]
        raise_purpose: Option<String>,
        /// `FEED=ACCOUNT,ACCOUNT…@QUORUM`: replace an oracle feed's reporter set.
        #[arg(long = "reporters")]
        reporters: Vec<String>,
        /// `ACCOUNT,ACCOUNT…`: replace the RWA module's trusted claim issuers (KYC providers).
        #[arg(long)]
        kyc_providers: Option<String>,
        /// `FUND=PACKAGE.TRANCHE,PACKAGE.TRANCHE…`: replace what a governed fund may
        /// subscribe to (`FUND=` alone: nothing).
        #[arg(long = "fund-mandate")]
        fund_mandate: Vec<String>,
    },
    /// Buy GHR from an open sale at its price now (ugusd per GHR at most --max-price).
    Buy {
        #[arg(long)]
        from: String,
        raise: u64,
        /// ughr to buy.
        #[arg(long)]
        ghr: u128,
        #[arg(long)]
        max_price: u128,
    },
    /// Sales of community-pool GHR, with their price now.
    Raises,
    /// Add to a proposal's deposit (ughr) during its deposit period.
    Deposit {
        #[arg(long)]
        from: String,
        proposal: u64,
        amount: u128,
    },
    /// Vote with your bonded GHR: yes, no, abstain, veto, or a split such as
    /// `yes=6000,no=4000` (bps). A validator's vote counts for its delegators
    /// who do not vote; voting again replaces the vote.
    Vote {
        #[arg(long)]
        from: String,
        proposal: u64,
        option: String,
    },
    /// A proposal: messages, deposits, the count so far or the final one.
    Show { proposal: u64 },
    /// Proposals, optionally of one status (deposit_period, voting_period, passed, executed…).
    List {
        #[arg(long)]
        status: Option<String>,
    },
    /// Every vote on a proposal.
    Votes { proposal: u64 },
    /// The count of a proposal: so far while the vote is open, else the final one.
    Tally { proposal: u64 },
    /// Follow a proposal until it reaches a status (default: executed); fails if it cannot.
    Wait {
        proposal: u64,
        #[arg(long, default_value = "executed")]
        until: String,
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// The rules, the community pool, guardians, pauses in force and the scheduled upgrade.
    Overview,
    /// Every parameter governance may change, with its bounds (from this release's modules).
    Params {
        #[arg(long)]
        module: Option<String>,
    },
    /// A guardian pauses a module at once, for at most the guardian limit.
    Pause {
        #[arg(long)]
        from: String,
        module: String,
        /// How long, seconds of chain time.
        #[arg(long = "for")]
        for_secs: u64,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// A guardian lifts a pause.
    Unpause {
        #[arg(long)]
        from: String,
        module: String,
    },
}

/// Parses a vote: one option name or `option=bps` pairs.
fn parse_vote(text: &str) -> Result<Vec<WeightedOption>> {
    let option = |name: &str| -> Result<VoteOption> {
        Ok(match name.trim() {
            "yes" => VoteOption::Yes,
            "no" => VoteOption::No,
            "abstain" => VoteOption::Abstain,
            "veto" | "no_with_veto" => VoteOption::NoWithVeto,
            other => bail!("vote option {other:?} is not yes, no, abstain or veto"),
        })
    };
    if !text.contains('=') {
        return Ok(vec![WeightedOption { option: option(text)?, weight_bps: 10_000 }]);
    }
    text.split(',')
        .map(|part| {
            let (name, bps) = part.split_once('=').ok_or_else(|| anyhow!("{part:?} is not option=bps"))?;
            Ok(WeightedOption { option: option(name)?, weight_bps: bps.trim().parse().context("weight in bps")? })
        })
        .collect()
}

fn messages(cli: &Cli, c: &GovCommand) -> Result<Vec<ProposalMessage>> {
    let GovCommand::Propose {
        set,
        spend,
        upgrade,
        upgrade_info,
        cancel_upgrade,
        pause,
        unpause,
        raise_ghr,
        raise_price,
        raise_secs,
        raise_purpose,
        reporters,
        kyc_providers,
        fund_mandate,
        ..
    } = c
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for s in set {
        let (path, value) = s.split_once('=').ok_or_else(|| anyhow!("--set {s:?}: write module.name=value"))?;
        let (module, name) = path.split_once('.').ok_or_else(|| anyhow!("--set {s:?}: write module.name=value"))?;
        let value = value.trim().replace('_', "").parse().with_context(|| format!("--set {s:?}: the value"))?;
        out.push(ProposalMessage::SetParam { module: module.into(), name: name.into(), value });
    }
    for s in spend {
        let (to, coins) = s.split_once('=').ok_or_else(|| anyhow!("--spend {s:?}: write ACCOUNT=COINS"))?;
        let coins = coins
            .split(',')
            .map(|c| c.parse::<Coin>().map_err(|e| anyhow!("--spend {s:?}: {e}")))
            .collect::<Result<_>>()?;
        out.push(ProposalMessage::CommunitySpend { to: resolve(cli, to)?, coins });
    }
    if let Some(u) = upgrade {
        let (name, height) = u.split_once('@').ok_or_else(|| anyhow!("--upgrade {u:?}: write NAME@HEIGHT"))?;
        out.push(ProposalMessage::SoftwareUpgrade {
            name: name.into(),
            height: height.parse().context("--upgrade height")?,
            info: upgrade_info.clone(),
        });
    }
    if *cancel_upgrade {
        out.push(ProposalMessage::CancelUpgrade);
    }
    for p in pause {
        let (module, until) = p.split_once('@').ok_or_else(|| anyhow!("--pause {p:?}: write MODULE@UNIX_TIME"))?;
        out.push(ProposalMessage::Pause {
            module: module.into(),
            until: until.parse().context("--pause time")?,
            reason: String::new(),
        });
    }
    for m in unpause {
        out.push(ProposalMessage::Unpause { module: m.clone() });
    }
    for r in reporters {
        let bad = || anyhow!("--reporters {r:?}: write FEED=ACCOUNT,ACCOUNT@QUORUM");
        let (feed, rest) = r.split_once('=').ok_or_else(bad)?;
        let (accounts, quorum) = rest.rsplit_once('@').ok_or_else(bad)?;
        out.push(ProposalMessage::SetReporters {
            feed: feed.into(),
            reporters: accounts.split(',').map(|a| resolve(cli, a.trim())).collect::<Result<_>>()?,
            quorum: quorum.parse().context("--reporters quorum")?,
        });
    }
    if let Some(list) = kyc_providers {
        let issuers = list.split(',').map(|a| resolve(cli, a.trim())).collect::<Result<_>>()?;
        out.push(ProposalMessage::SetClaimIssuers { issuers });
    }
    for m in fund_mandate {
        let bad = || anyhow!("--fund-mandate {m:?}: write FUND=PACKAGE.TRANCHE,PACKAGE.TRANCHE");
        let (fund, list) = m.split_once('=').ok_or_else(bad)?;
        let tranches = list
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(|t| {
                let (p, i) = t.trim().split_once('.').ok_or_else(bad)?;
                Ok((p.parse().map_err(|_| bad())?, i.parse().map_err(|_| bad())?))
            })
            .collect::<Result<_>>()?;
        out.push(ProposalMessage::SetFundMandate { fund: fund.trim().parse().map_err(|_| bad())?, tranches });
    }
    if let (Some(ghr), Some(price)) = (raise_ghr, raise_price) {
        let (start, end) = price.split_once(':').unwrap_or((price, price));
        out.push(ProposalMessage::Raise {
            purpose: raise_purpose.clone().unwrap_or_default(),
            ghr: *ghr,
            start_price: start.parse().context("--raise-price start")?,
            end_price: end.parse().context("--raise-price end")?,
            duration_secs: *raise_secs,
        });
    }
    Ok(out)
}

fn status_name(s: ProposalStatus) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn describe_tally(t: &Tally) -> String {
    let pct = |x: u128| if t.bonded == 0 { 0.0 } else { x as f64 * 100.0 / t.bonded as f64 };
    format!(
        "yes {} ({:.1} %)  no {} ({:.1} %)  abstain {} ({:.1} %)  veto {} ({:.1} %)  of {} bonded",
        t.yes,
        pct(t.yes),
        t.no,
        pct(t.no),
        t.abstain,
        pct(t.abstain),
        t.no_with_veto,
        pct(t.no_with_veto),
        t.bonded
    )
}

fn describe_proposal(p: &Proposal) -> String {
    format!(
        "proposal {:>3}  {:<14} {}{}  deposit {} ughr  {} message(s)",
        p.id,
        status_name(p.status),
        p.title,
        if p.expedited { " (expedited)" } else { "" },
        p.total_deposit,
        p.messages.len()
    )
}

fn describe_view(v: &ProposalView) -> String {
    let p = &v.proposal;
    let mut s = describe_proposal(p);
    s.push_str(&format!("\n  proposer {}  submitted {}", p.proposer, p.submit_time));
    if let (Some(start), Some(end)) = (p.voting_start, p.voting_end) {
        s.push_str(&format!("  voting {start}..{end}"));
    }
    if let Some(at) = p.execute_at {
        s.push_str(&format!("  executes at {at}"));
    }
    for m in &p.messages {
        s.push_str(&format!("\n  - {}", serde_json::to_string(m).unwrap_or_default()));
    }
    if let Some(t) = &v.current_tally {
        s.push_str(&format!("\n  so far ({} votes): {}", v.votes, describe_tally(t)));
    }
    if let Some(t) = &p.final_tally {
        s.push_str(&format!("\n  final: {}", describe_tally(t)));
    }
    if let Some(why) = &p.failure {
        s.push_str(&format!("\n  execution failed: {why}"));
    }
    s
}

fn can_still_reach(now: ProposalStatus, target: ProposalStatus) -> bool {
    let step = |s: ProposalStatus| match s {
        ProposalStatus::DepositPeriod => 0,
        ProposalStatus::VotingPeriod => 1,
        ProposalStatus::Passed => 2,
        _ => 3,
    };
    now == target || (!now.is_final() && step(now) < step(target))
}

pub async fn run(cli: &Cli, c: &GovCommand) -> Result<()> {
    let client = RpcClient::new(&cli.node);
    let submit = |from: &str, action: GovernanceAction| {
        let from = from.to_string();
        async move {
            let done = submit_actions(cli, &from, vec![AppAction::Governance(action.into())]).await?;
            print(cli.json, &done, || done.join("\n"));
            Ok::<(), anyhow::Error>(())
        }
    };
    match c {
        GovCommand::Propose { from, title, summary, deposit, expedited, .. } => {
            let proposer = resolve(cli, from)?;
            let action = GovernanceAction::Submit {
                title: title.clone(),
                summary: summary.clone(),
                messages: messages(cli, c)?,
                deposit: *deposit,
                expedited: *expedited,
            };
            let done = submit_actions(cli, from, vec![AppAction::Governance(action.into())]).await?;
            // The new proposal is the proposer's highest id.
            let all: Vec<Proposal> = client.query(&GovernanceQuery::Proposals { status: None, from: None }).await?;
            let id = all.iter().filter(|p| p.proposer == proposer).map(|p| p.id).max();
            print(cli.json, &serde_json::json!({ "proposal": id, "txs": done }), || {
                format!("{}\nproposal {} submitted", done.join("\n"), id.map_or("?".into(), |i| i.to_string()))
            });
        }
        GovCommand::Deposit { from, proposal, amount } => {
            submit(from, GovernanceAction::Deposit { proposal: *proposal, amount: *amount }).await?
        }
        GovCommand::Vote { from, proposal, option } => {
            submit(from, GovernanceAction::Vote { proposal: *proposal, options: parse_vote(option)? }).await?
        }
        GovCommand::Show { proposal } => {
            let view: ProposalView = client.query(&GovernanceQuery::Proposal { id: *proposal }).await?;
            print(cli.json, &view, || describe_view(&view));
        }
        GovCommand::List { status } => {
            let list: Vec<Proposal> =
                client.query(&GovernanceQuery::Proposals { status: status.clone(), from: None }).await?;
            print(cli.json, &list, || {
                if list.is_empty() {
                    return "no proposals".into();
                }
                list.iter().map(describe_proposal).collect::<Vec<_>>().join("\n")
            });
        }
        GovCommand::Buy { from, raise, ghr, max_price } => {
            submit(from, GovernanceAction::BuyRaise { raise: *raise, ghr: *ghr, max_price: *max_price }).await?
        }
        GovCommand::Raises => {
            let list: Vec<RaiseView> = client.query(&GovernanceQuery::Raises {}).await?;
            print(cli.json, &list, || {
                if list.is_empty() {
                    return "no sales".into();
                }
                list.iter()
                    .map(|v| {
                        let r = &v.raise;
                        format!(
                            "raise {:>3}  {}  {} of {} ughr sold for {} ugusd  price now {} ugusd/GHR ({} → {})  ends {}  \"{}\"",
                            r.id,
                            if r.open { "open  " } else { "closed" },
                            r.sold,
                            r.offered,
                            r.raised,
                            v.price_now,
                            r.start_price,
                            r.end_price,
                            r.ends,
                            r.purpose
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        GovCommand::Tally { proposal } => {
            let view: ProposalView = client.query(&GovernanceQuery::Proposal { id: *proposal }).await?;
            let Some(tally) = view.current_tally.clone().or(view.proposal.final_tally.clone()) else {
                bail!("proposal {proposal} has not been counted: it is {}", status_name(view.proposal.status));
            };
            print(cli.json, &tally, || {
                let what = if view.current_tally.is_some() { "so far" } else { "final" };
                format!("proposal {proposal} ({what}, {} votes): {}", view.votes, describe_tally(&tally))
            });
        }
        GovCommand::Votes { proposal } => {
            let votes: Vec<Vote> = client.query(&GovernanceQuery::Votes { id: *proposal }).await?;
            print(cli.json, &votes, || {
                votes
                    .iter()
                    .map(|v| {
                        let options: Vec<String> =
                            v.options.iter().map(|o| format!("{:?} {} bps", o.option, o.weight_bps)).collect();
                        format!("{}  {}", v.voter, options.join(", "))
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        GovCommand::Wait { proposal, until, timeout } => {
            let target: ProposalStatus = parse_enum(
                "--until",
                until,
                "deposit_period, voting_period, passed, rejected, vetoed, executed, failed, dropped",
            )?;
            let deadline = std::time::Instant::now() + Duration::from_secs(*timeout);
            let mut seen = None;
            loop {
                let view: ProposalView = client.query(&GovernanceQuery::Proposal { id: *proposal }).await?;
                let status = view.proposal.status;
                if seen != Some(status) {
                    seen = Some(status);
                    if !cli.json {
                        println!("{}", describe_proposal(&view.proposal));
                    }
                }
                if status == target {
                    if cli.json {
                        print(true, &view, String::new);
                    } else if let Some(t) = &view.proposal.final_tally {
                        println!("  final: {}", describe_tally(t));
                    }
                    break;
                }
                if !can_still_reach(status, target) {
                    bail!(
                        "proposal {proposal} is {}; it can no longer become {}{}",
                        status_name(status),
                        status_name(target),
                        view.proposal.failure.map(|f| format!(" ({f})")).unwrap_or_default()
                    );
                }
                if std::time::Instant::now() >= deadline {
                    bail!("proposal {proposal} is still {} after {timeout} s", status_name(status));
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
        GovCommand::Overview => {
            let view: GovernanceView = client.query(&GovernanceQuery::Overview {}).await?;
            print(cli.json, &view, || {
                let p = &view.params;
                let mut s = format!(
                    "deposit ≥ {} ughr ({} expedited), {} % at submission, within {} s\nvote {} s ({} s expedited)  quorum {:.2} %  threshold {:.2} % ({:.2} % expedited)  veto {:.2} %  timelock {} s",
                    p.min_deposit,
                    p.expedited_min_deposit,
                    p.min_initial_deposit_bps / 100,
                    p.max_deposit_period_secs,
                    p.voting_period_secs,
                    p.expedited_voting_period_secs,
                    p.quorum_bps as f64 / 100.0,
                    p.threshold_bps as f64 / 100.0,
                    p.expedited_threshold_bps as f64 / 100.0,
                    p.veto_threshold_bps as f64 / 100.0,
                    p.timelock_secs,
                );
                let pool: Vec<String> = view.community_pool.iter().map(Coin::to_string).collect();
                s.push_str(&format!(
                    "\ncommunity pool {}",
                    if pool.is_empty() { "empty".into() } else { pool.join(", ") }
                ));
                s.push_str(&format!(
                    "\nguardians {} until {}",
                    view.guardians.members.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "),
                    view.guardians.expires_at
                ));
                for pause in &view.pauses {
                    s.push_str(&format!("\npaused {} until {}: {}", pause.module, pause.until, pause.reason));
                }
                if let Some(u) = &view.upgrade {
                    s.push_str(&format!("\nupgrade {:?} at height {} ({})", u.name, u.height, u.info));
                }
                s
            });
        }
        GovCommand::Params { module } => {
            let modules: Vec<&str> = match module {
                Some(m) if AppRouter::bounds(m).is_some() => vec![m.as_str()],
                Some(m) => bail!("no module {m:?} (modules: {})", AppRouter::modules().join(", ")),
                None => AppRouter::modules().to_vec(),
            };
            let rows: Vec<serde_json::Value> = modules
                .iter()
                .flat_map(|m| {
                    AppRouter::bounds(m).unwrap_or_default().iter().map(move |b| {
                        serde_json::json!({
                            "module": m, "name": b.name, "min": b.min.to_string(), "max": b.max.to_string(),
                            "doc": b.doc.trim(),
                        })
                    })
                })
                .collect();
            print(cli.json, &rows, || {
                modules
                    .iter()
                    .flat_map(|m| {
                        AppRouter::bounds(m)
                            .unwrap_or_default()
                            .iter()
                            .map(move |b| format!("{m}.{:<32} {}..={}  {}", b.name, b.min, b.max, b.doc.trim()))
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        GovCommand::Pause { from, module, for_secs, reason } => {
            let now = client.status().await?.latest_block_time;
            let until = now + for_secs;
            submit(from, GovernanceAction::GuardianPause { module: module.clone(), until, reason: reason.clone() })
                .await?
        }
        GovCommand::Unpause { from, module } => {
            submit(from, GovernanceAction::GuardianUnpause { module: module.clone() }).await?
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vote_is_one_option_or_a_split() {
        assert_eq!(parse_vote("yes").unwrap(), vec![WeightedOption { option: VoteOption::Yes, weight_bps: 10_000 }]);
        let split = parse_vote("yes=6000,veto=4000").unwrap();
        assert_eq!(split[1], WeightedOption { option: VoteOption::NoWithVeto, weight_bps: 4_000 });
        assert!(parse_vote("maybe").is_err());
        assert!(parse_vote("yes=lots").is_err());
    }
}
