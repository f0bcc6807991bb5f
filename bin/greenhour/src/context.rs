//! What every command file shares: where the home is, names to addresses,
//! submitting actions, reading a refusal, parsing enum arguments and default
//! deadlines. Command files import from here (and `output`), never from each
//! other: `commands.rs` dispatches to them and nothing imports back, so the
//! files form no loop.

use crate::keyring::Keyring;
use crate::Cli;
use anyhow::{anyhow, Context, Result};
use greenhour_app::rpc::BroadcastMode;
use greenhour_client::{RpcClient, Wallet};
use greenhour_node::config::HomeLayout;
use greenhour_primitives::Address;
use serde_json::json;
use std::path::PathBuf;

/// Transactions are valid for this long after the latest block unless --deadline says otherwise.
pub(crate) const DEFAULT_DEADLINE_SECS: u64 = 1_800;

/// Chain time a default "next hour" keeps between the latest block and its start.
const NEXT_HOUR_LEAD_SECS: u64 = 600;

/// The default first hour of a pledge or a purchase: the next UTC hour that
/// starts at least ten minutes of chain time after the latest block. Without
/// the lead, a command run late in an hour names an hour that has begun by the
/// time its transaction is in a block (a devnet block is five minutes).
pub(crate) fn next_hour_after(latest_block_time: u64) -> u64 {
    (latest_block_time + NEXT_HOUR_LEAD_SECS) / 3_600 + 1
}

fn default_home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".")).join(".greenhour")
}

pub(crate) fn home_of(cli: &Cli) -> PathBuf {
    cli.home.clone().unwrap_or_else(default_home)
}

/// An address, or the address of a key in the keyring.
pub(crate) fn resolve(cli: &Cli, who: &str) -> Result<Address> {
    if let Ok(a) = who.parse::<Address>() {
        return Ok(a);
    }
    Keyring::new(&HomeLayout::new(home_of(cli)).keys())
        .info(who)
        .map(|k| k.address)
        .with_context(|| format!("{who:?} is neither a gh1… address nor a key name"))
}

/// Signs `actions` with --from's key and waits until they are committed (one tx per 24 actions).
/// Whether a command failed because the chain refused its transaction with the same
/// `(module, code)` as `kind`.
pub(crate) fn is_rejection(error: &anyhow::Error, kind: &impl greenhour_framework::CodedError) -> bool {
    error
        .downcast_ref::<greenhour_client::ClientError>()
        .and_then(|e| e.rejection())
        .is_some_and(|info| info.module == kind.module() && info.code == kind.code())
}

pub(crate) async fn submit_actions(
    cli: &Cli,
    from: &str,
    actions: Vec<greenhour_app::AppAction>,
) -> Result<Vec<String>> {
    let client = RpcClient::new(&cli.node);
    let key = Keyring::new(&HomeLayout::new(home_of(cli)).keys()).get(from)?;
    let status = client.status().await?;
    let chain_id = status.chain_id.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut wallet = Wallet::new(key, chain_id, status.min_fee);
    let mut out = Vec::new();
    for chunk in actions.chunks(24) {
        // A nonce another transaction of this key still holds in the mempool
        // (mempool/2), or one dropped because another process's earlier nonce of
        // the same key failed (mempool/5: the devnet's fleet also signs as dave and
        // carol), is a race, not a refusal of these actions: sign again on the
        // node's next free nonce.
        let mut tries = 0;
        let r = loop {
            let tx = wallet.sign(&client, chunk.to_vec(), "").await?;
            match client.broadcast(&tx, BroadcastMode::Commit).await {
                Err(e)
                    if tries < 10
                        && e.rejection().is_some_and(|i| i.module == "mempool" && (i.code == 2 || i.code == 5)) =>
                {
                    tries += 1;
                    wallet.forget_nonce();
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                }
                other => break other?,
            }
        };
        let height = r.committed.as_ref().map(|c| c.height).unwrap_or(0);
        out.push(format!("committed {} at height {height}", r.hash));
    }
    Ok(out)
}

pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(what: &str, value: &str, allowed: &str) -> Result<T> {
    serde_json::from_value(json!(value)).map_err(|_| anyhow!("{what} {value:?} is not one of {allowed}"))
}

#[cfg(test)]
mod tests {
    use super::next_hour_after;

    #[test]
    fn the_default_next_hour_leaves_ten_minutes_for_the_transaction() {
        let hour = 495_000 * 3_600;
        assert_eq!(next_hour_after(hour), 495_001, "at the top of an hour: the next one");
        assert_eq!(next_hour_after(hour + 49 * 60 + 59), 495_001, "eleven minutes ahead is enough");
        assert_eq!(next_hour_after(hour + 50 * 60), 495_002, "ten minutes before it: the one after");
        assert_eq!(next_hour_after(hour + 59 * 60), 495_002);
    }
}
