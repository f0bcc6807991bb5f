//! `solo`: one process produces every block on a timer.

use greenhour_app::{App, AppError, BlockOutcome, PendingBlock, Tx};
use greenhour_primitives::UnixSeconds;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Where block candidates come from and where blocks are reported.
pub trait TxSource: Send + Sync + 'static {
    /// Up to `max_txs` transactions and `max_bytes` encoded bytes, in an order
    /// that respects each signer's nonces (as of the newest block built).
    fn reap(&self, max_txs: usize, max_bytes: u64) -> Vec<Tx>;
    /// Called once a block is built, before it is durable: its transactions must
    /// not be offered again, and those it dropped will never commit.
    fn proposed(&self, outcome: &BlockOutcome);
    /// Called, in height order, once a block is durably committed.
    fn committed(&self, outcome: BlockOutcome);
    /// Called with two conflicting votes of one validator that the driver saw
    /// (double-sign evidence, checked by the staking module when reported).
    fn misbehaviour(&self, _first: greenhour_light::SignedVote, _second: greenhour_light::SignedVote) {}
}

/// What time a new block carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// The machine's clock (Unix seconds), for a chain that follows real time.
    Real,
    /// Each block advances time by this many seconds from the parent, so a
    /// simulated day passes in `86400 / seconds_per_block` blocks.
    Simulated { seconds_per_block: u64 },
}

/// Settings of the solo driver.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SoloConfig {
    /// Time between the starts of two blocks (a block that takes longer is followed at once).
    pub block_interval_ms: u64,
    pub clock: Clock,
}

impl Default for SoloConfig {
    fn default() -> Self {
        SoloConfig { block_interval_ms: 1_000, clock: Clock::Real }
    }
}

fn now_unix() -> UnixSeconds {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Starts producing blocks until `shutdown` turns true. Returns the error that
/// stopped it, if any.
pub fn spawn_solo(
    app: Arc<App>,
    source: Arc<dyn TxSource>,
    config: SoloConfig,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<Result<(), AppError>> {
    tokio::spawn(async move {
        let interval = Duration::from_millis(config.block_interval_ms.max(1));
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Block N is written while block N+1 executes; a notifier thread waits for
        // each write in order and only then reports the block as committed.
        let (pending_tx, pending_rx) = std::sync::mpsc::channel::<PendingBlock>();
        let notifier_source = source.clone();
        let notifier = tokio::task::spawn_blocking(move || -> Result<(), AppError> {
            for pending in pending_rx {
                let outcome = pending.wait()?;
                notifier_source.committed(outcome);
            }
            Ok(())
        });
        let result = loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break Ok(());
            }
            let app = app.clone();
            let source = source.clone();
            let built = tokio::task::spawn_blocking(move || -> Result<PendingBlock, AppError> {
                let time = match config.clock {
                    Clock::Real => now_unix(),
                    Clock::Simulated { seconds_per_block } => app.head_time() + seconds_per_block.max(1),
                };
                let params = app.params();
                let txs = source.reap(params.max_block_txs as usize, params.max_block_bytes);
                let pending = app.propose_block(time, txs)?;
                source.proposed(pending.outcome());
                Ok(pending)
            })
            .await;
            match built {
                Ok(Ok(pending)) => {
                    if pending_tx.send(pending).is_err() {
                        break Err(AppError::Driver("the commit notifier stopped".into()));
                    }
                }
                Ok(Err(e)) => break Err(e),
                Err(join) => break Err(AppError::Driver(format!("block production panicked: {join}"))),
            }
        };
        // Let the last block become durable and be reported before returning.
        drop(pending_tx);
        let notified = notifier.await.unwrap_or_else(|e| Err(AppError::Driver(format!("notifier panicked: {e}"))));
        let result = result.and(notified);
        if let Err(e) = &result {
            tracing::error!(error = %e, "block production failed; stopping the solo driver");
        }
        result
    })
}
