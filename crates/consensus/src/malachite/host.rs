//! The application side of the engine: builds proposals from the mempool,
//! streams them as signed parts, checks received ones by executing them
//! against the head (keeping the result, so a decided block is written without
//! running twice), commits decided blocks with their certificates, and serves
//! decided blocks to syncing peers.

use super::context::{
    round_number, BlockHeight, BlockId, GreenhourContext, ProposalInit, ProposalPart, ProposalSeal, ValidatorAddress,
    ValidatorSet,
};
use super::signing::{verify_seal, ConsensusSigner};
use crate::TxSource;
use bytes::Bytes;
use greenhour_app::{App, AppError, Block, SealedBlock};
use greenhour_crypto::Signature;
use greenhour_primitives::{ChainId, Hash, UnixSeconds};
use malachitebft_app_channel::app::engine::host::{HeightParams, Next, SyncedValueOutcome};
use malachitebft_app_channel::app::streaming::{StreamContent, StreamId, StreamMessage};
use malachitebft_app_channel::app::types::core::{
    CommitCertificate, ExtendedCommitCertificate, ExtendedCommitSignature, LinearTimeouts, Round, Validity,
};
use malachitebft_app_channel::app::types::sync::RawDecidedValue;
use malachitebft_app_channel::app::types::{LocallyProposedValue, PeerId, ProposedValue};
use malachitebft_app_channel::{AppMsg, Channels, NetworkMsg};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type Ctx = GreenhourContext;

/// Encoded block bytes per proposal part (well under the gossip message limit).
pub const CHUNK_BYTES: usize = 512 * 1024;
/// How far ahead of this node's clock a proposed block's time may be.
pub const MAX_CLOCK_DRIFT_SECS: u64 = 15;
/// Most part streams assembled at once; the oldest is dropped beyond it.
const MAX_OPEN_STREAMS: usize = 64;
/// Most decided blocks served in one sync response.
const MAX_SYNC_BATCH: u64 = 64;

/// How the host paces and times heights.
#[derive(Clone, Debug)]
pub struct HostSettings {
    pub timeouts: LinearTimeouts,
    /// Least time from a height's start to its finalisation (spaces blocks out
    /// on an idle chain); `None` finalises as soon as a height is decided.
    pub target_time: Option<Duration>,
    /// Most transactions in a proposal of ours.
    pub max_proposal_txs: u32,
}

/// A block seen for some height and round: ours, streamed by a peer, or synced.
struct Candidate {
    height: u64,
    round: Round,
    valid_round: Round,
    proposer: ValidatorAddress,
    block: Block,
    /// The block executed on the current head (`None` until checked, or when
    /// it was checked on an older head).
    sealed: Option<SealedBlock>,
    validity: Option<Validity>,
}

impl Candidate {
    fn proposed_value(&self) -> Option<ProposedValue<Ctx>> {
        Some(ProposedValue {
            height: BlockHeight(self.height),
            round: self.round,
            valid_round: self.valid_round,
            proposer: self.proposer,
            value: BlockId(self.block.hash()),
            validity: self.validity?,
        })
    }
}

/// Parts of one stream, by sequence number, until its `Fin` and every part before it arrived.
#[derive(Default)]
struct PartStream {
    parts: BTreeMap<u64, ProposalPart>,
    end: Option<u64>,
    bytes: usize,
    opened: u64,
}

/// Owns the engine's side of the conversation for one validator.
pub struct Host {
    app: Arc<App>,
    source: Arc<dyn TxSource>,
    chain_id: ChainId,
    me: ValidatorAddress,
    signer: ConsensusSigner,
    settings: HostSettings,
    /// Candidates by `(height, round, block hash)`.
    candidates: BTreeMap<(u64, u32, Hash), Candidate>,
    /// The block this node proposed at `(height, round)`.
    own: BTreeMap<(u64, u32), Hash>,
    streams: BTreeMap<(PeerId, Bytes), PartStream>,
    streams_opened: u64,
    next_stream: u64,
}

fn now_unix() -> UnixSeconds {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A Malachite certificate as the light client (and the block store) keep it.
pub fn light_certificate(certificate: &CommitCertificate<Ctx>) -> greenhour_light::CommitCertificate {
    greenhour_light::CommitCertificate {
        height: certificate.height.0,
        round: round_number(certificate.round),
        block: certificate.value_id,
        signatures: certificate
            .commit_signatures
            .iter()
            .map(|s| greenhour_light::CommitSignature { validator_key: s.address.0, signature: s.signature })
            .collect(),
    }
}

/// A stored certificate in the form sync responses carry.
pub fn engine_certificate(certificate: &greenhour_light::CommitCertificate) -> ExtendedCommitCertificate<Ctx> {
    let mut commit_signatures: Vec<ExtendedCommitSignature<Ctx>> = certificate
        .signatures
        .iter()
        .map(|s| ExtendedCommitSignature::new(ValidatorAddress(s.validator_key), s.signature, None))
        .collect();
    commit_signatures.sort_by_key(|s| s.address);
    ExtendedCommitCertificate {
        height: BlockHeight(certificate.height),
        round: Round::new(certificate.round),
        value_id: certificate.block,
        commit_signatures,
    }
}

/// Runs `f` on the blocking pool (block execution and fsync must not stall the runtime).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Driver(format!("block task panicked: {e}")))
}

impl Host {
    pub fn new(
        app: Arc<App>,
        source: Arc<dyn TxSource>,
        signer: ConsensusSigner,
        me: ValidatorAddress,
        settings: HostSettings,
    ) -> Self {
        let chain_id = app.chain_id().clone();
        Host {
            app,
            source,
            chain_id,
            me,
            signer,
            settings,
            candidates: BTreeMap::new(),
            own: BTreeMap::new(),
            streams: BTreeMap::new(),
            streams_opened: 0,
            next_stream: 0,
        }
    }

    fn light_vote(
        &self,
        vote: &malachitebft_app_channel::app::types::core::SignedVote<Ctx>,
    ) -> greenhour_light::SignedVote {
        greenhour_light::SignedVote { vote: vote.message.light(&self.chain_id), signature: vote.signature }
    }

    fn next_height(&self) -> Result<u64, AppError> {
        Ok(self.app.height()? + 1)
    }

    /// The set and timeouts of the next height: the staking module's `next_set`
    /// as of the last committed block.
    fn height_params(&self) -> Result<HeightParams<Ctx>, AppError> {
        let snapshot = self.app.snapshot()?;
        let set = greenhour_staking::state::next_set(&snapshot).map_err(|e| AppError::of_module(&e))?;
        let validators = ValidatorSet::from_staking(&set);
        if validators.validators.is_empty() {
            return Err(AppError::Driver("the staking module names no validator for the next height".into()));
        }
        Ok(HeightParams::new(validators, self.settings.timeouts, self.settings.target_time))
    }

    /// Handles one message; an error here is fatal (the store failed).
    pub async fn handle(&mut self, msg: AppMsg<Ctx>, channels: &Channels<Ctx>) -> Result<(), AppError> {
        match msg {
            AppMsg::ConsensusReady { reply } => {
                let height = BlockHeight(self.next_height()?);
                tracing::info!(%height, "consensus ready");
                let _ = reply.send((height, self.height_params()?));
            }
            AppMsg::StartedRound { height, round, proposer, role, reply_value } => {
                tracing::debug!(%height, %round, %proposer, ?role, "round started");
                let values = self.values_for(height.0, round).await?;
                let _ = reply_value.send(values);
            }
            AppMsg::GetValue { height, round, timeout: _, reply } => {
                let hash = self.propose(height.0, round).await?;
                let _ = reply.send(LocallyProposedValue::new(height, round, BlockId(hash)));
                if let Some(c) = self.candidates.get(&(height.0, round_number(round), hash)) {
                    let init = ProposalInit { height, round, valid_round: Round::Nil, proposer: self.me };
                    let block = c.block.clone();
                    self.publish(init, &block, channels).await;
                }
            }
            AppMsg::ExtendVote { reply, .. } => {
                let _ = reply.send(None);
            }
            AppMsg::VerifyVoteExtensions { extensions, reply, .. } => {
                let _ = reply.send(extensions.into_iter().map(|(address, _)| (address, Ok(()))).collect());
            }
            AppMsg::RestreamProposal { height, round, valid_round, address, value_id } => {
                if address != self.me {
                    tracing::warn!(%height, %round, "asked to restream another validator's proposal");
                    return Ok(());
                }
                let found = self.candidates.values().find(|c| c.height == height.0 && c.block.hash() == value_id);
                if let Some(block) = found.map(|c| c.block.clone()) {
                    let init = ProposalInit { height, round, valid_round, proposer: self.me };
                    // The re-proposed block is ours for this round too.
                    self.own.insert((height.0, round_number(round)), value_id);
                    self.publish(init, &block, channels).await;
                }
            }
            AppMsg::GetHistoryMinHeight { reply } => {
                let _ = reply.send(BlockHeight(1));
            }
            AppMsg::ReceivedProposalPart { from, published_by, part, reply } => {
                let value = self.receive_part(published_by.unwrap_or(from), part).await?;
                let _ = reply.send(value);
            }
            AppMsg::Decided { certificate, reply, .. } => {
                self.commit(&certificate).await?;
                let _ = reply.send(());
            }
            AppMsg::Finalized { certificate, evidence, reply, .. } => {
                for (validator, pairs) in evidence.votes.iter() {
                    tracing::warn!(height = %certificate.height, %validator, "double-signed votes observed");
                    for (first, second) in pairs {
                        self.source.misbehaviour(self.light_vote(first), self.light_vote(second));
                    }
                }
                if !evidence.proposals.is_empty() {
                    tracing::warn!(height = %certificate.height, "conflicting proposals observed");
                }
                let next = self.next_height()?;
                let params = self.height_params()?;
                let decision = if next > certificate.height.0 {
                    Next::Start(BlockHeight(next), params)
                } else {
                    // The decided block could not be committed here: run the height again
                    // (sync fetches the block from a peer that has it).
                    Next::Restart(BlockHeight(next), params)
                };
                let _ = reply.send(decision);
            }
            AppMsg::GetDecidedValues { range, reply } => {
                let _ = reply.send(self.decided_values(range.start().0, range.end().0)?);
            }
            AppMsg::ProcessSyncedValue { height, round, proposer, value_bytes, reply } => {
                let outcome = self.synced(height.0, round, proposer, value_bytes).await?;
                let _ = reply.send(outcome);
            }
        }
        Ok(())
    }

    /// Checked values already seen for `(height, round)`; a stream that finished
    /// before its height started is checked now.
    async fn values_for(&mut self, height: u64, round: Round) -> Result<Vec<ProposedValue<Ctx>>, AppError> {
        if height != self.next_height()? {
            return Ok(Vec::new());
        }
        let keys: Vec<(u64, u32, Hash)> =
            self.candidates.range((height, round_number(round), Hash::ZERO)..).map(|(k, _)| *k).collect();
        let mut values = Vec::new();
        for key in keys.into_iter().filter(|k| k.0 == height && k.1 == round_number(round)) {
            self.check(key).await?;
            if let Some(v) = self.candidates.get(&key).and_then(Candidate::proposed_value) {
                values.push(v);
            }
        }
        Ok(values)
    }

    /// Executes a candidate of the next height on the head, once.
    async fn check(&mut self, key: (u64, u32, Hash)) -> Result<(), AppError> {
        let Some(c) = self.candidates.get_mut(&key) else { return Ok(()) };
        if c.validity.is_some() {
            return Ok(());
        }
        if c.block.header.time > now_unix() + MAX_CLOCK_DRIFT_SECS {
            tracing::warn!(height = c.height, time = c.block.header.time, "proposal is too far in the future");
            c.validity = Some(Validity::Invalid);
            return Ok(());
        }
        let app = self.app.clone();
        let block = c.block.clone();
        match blocking(move || app.process_proposal(block)).await? {
            Ok(sealed) => {
                c.sealed = Some(sealed);
                c.validity = Some(Validity::Valid);
            }
            Err(e) if refuses_block(&e) => {
                tracing::warn!(height = c.height, error = %e, "refusing an invalid block");
                c.validity = Some(Validity::Invalid);
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Builds this node's proposal for `(height, round)` (or returns the one it built already).
    async fn propose(&mut self, height: u64, round: Round) -> Result<Hash, AppError> {
        let r = round_number(round);
        if let Some(hash) = self.own.get(&(height, r)) {
            return Ok(*hash);
        }
        let app = self.app.clone();
        let source = self.source.clone();
        let max_txs = self.settings.max_proposal_txs;
        let sealed = blocking(move || {
            let params = app.params();
            let txs = source.reap(params.max_block_txs.min(max_txs) as usize, params.max_block_bytes);
            app.prepare_proposal(now_unix(), txs)
        })
        .await??;
        let block = sealed.block().clone();
        let hash = block.hash();
        tracing::info!(height, round = r, txs = block.txs.len(), %hash, "proposing");
        self.own.insert((height, r), hash);
        self.candidates.insert(
            (height, r, hash),
            Candidate {
                height,
                round,
                valid_round: Round::Nil,
                proposer: self.me,
                block,
                sealed: Some(sealed),
                validity: Some(Validity::Valid),
            },
        );
        Ok(hash)
    }

    /// Streams a block: `Init`, chunks of its encoding, `Fin` with our seal, end of stream.
    async fn publish(&mut self, init: ProposalInit, block: &Block, channels: &Channels<Ctx>) {
        self.next_stream += 1;
        let mut id = Vec::with_capacity(20);
        id.extend_from_slice(&init.height.0.to_be_bytes());
        id.extend_from_slice(&round_number(init.round).to_be_bytes());
        id.extend_from_slice(&self.next_stream.to_be_bytes());
        let stream_id = StreamId::new(Bytes::from(id));
        let encoded = greenhour_codec::encode(block);
        let seal = ProposalSeal { init: init.clone(), block: block.hash() };
        let signature = self.signer.sign_seal(&seal);
        let mut parts = vec![ProposalPart::Init(init)];
        parts.extend(encoded.chunks(CHUNK_BYTES).map(|c| ProposalPart::Chunk(c.to_vec())));
        parts.push(ProposalPart::Fin(signature));
        let mut sequence = 0u64;
        for part in parts {
            let msg = StreamMessage::new(stream_id.clone(), sequence, StreamContent::Data(part));
            if channels.network.send(NetworkMsg::PublishProposalPart(msg)).await.is_err() {
                return;
            }
            sequence += 1;
        }
        let end = StreamMessage::new(stream_id, sequence, StreamContent::Fin);
        let _ = channels.network.send(NetworkMsg::PublishProposalPart(end)).await;
    }

    /// Adds a part to its stream; a completed stream becomes a candidate, checked
    /// at once when it is for the next height.
    async fn receive_part(
        &mut self,
        publisher: PeerId,
        part: StreamMessage<ProposalPart>,
    ) -> Result<Option<ProposedValue<Ctx>>, AppError> {
        let max_bytes = self.app.params().max_block_bytes as usize + CHUNK_BYTES;
        let key = (publisher, part.stream_id.to_bytes());
        if !self.streams.contains_key(&key) && self.streams.len() >= MAX_OPEN_STREAMS {
            let oldest = self.streams.iter().min_by_key(|(_, s)| s.opened).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.streams.remove(&oldest);
            }
        }
        self.streams_opened += 1;
        let opened = self.streams_opened;
        let stream = self.streams.entry(key.clone()).or_insert_with(|| PartStream { opened, ..Default::default() });
        match part.content {
            StreamContent::Fin => stream.end = Some(part.sequence),
            StreamContent::Data(p) => {
                if let ProposalPart::Chunk(c) = &p {
                    stream.bytes += c.len();
                }
                stream.parts.entry(part.sequence).or_insert(p);
            }
        }
        if stream.bytes > max_bytes {
            tracing::warn!(%publisher, "dropping a proposal stream larger than a block may be");
            self.streams.remove(&key);
            return Ok(None);
        }
        let complete =
            stream.end.is_some_and(|end| stream.parts.len() as u64 == end && stream.parts.keys().all(|s| *s < end));
        if !complete {
            return Ok(None);
        }
        let Some(stream) = self.streams.remove(&key) else { return Ok(None) };
        let Some((init, block, signature)) = assemble(stream) else {
            tracing::warn!(%publisher, "dropping a malformed proposal stream");
            return Ok(None);
        };
        let seal = ProposalSeal { init: init.clone(), block: block.hash() };
        if block.header.height != init.height.0 || !verify_seal(&self.chain_id, &seal, &signature) {
            tracing::warn!(%publisher, height = %init.height, "dropping a proposal stream with a bad seal");
            return Ok(None);
        }
        let next = self.next_height()?;
        if init.height.0 < next {
            return Ok(None);
        }
        let hash = block.hash();
        let key = (init.height.0, round_number(init.round), hash);
        self.candidates.entry(key).or_insert(Candidate {
            height: init.height.0,
            round: init.round,
            valid_round: init.valid_round,
            proposer: init.proposer,
            block,
            sealed: None,
            validity: None,
        });
        if init.height.0 > next {
            // Checked when its height starts (StartedRound).
            return Ok(None);
        }
        self.check(key).await?;
        Ok(self.candidates.get(&key).and_then(Candidate::proposed_value))
    }

    /// Writes the decided block with its certificate, then tells the mempool.
    async fn commit(&mut self, certificate: &CommitCertificate<Ctx>) -> Result<(), AppError> {
        let height = certificate.height.0;
        let round = round_number(certificate.round);
        let hash = certificate.value_id;
        if height != self.next_height()? {
            tracing::warn!(height, "decided a height that is not the next one; ignoring");
            return Ok(());
        }
        let chosen = self.candidates.remove(&(height, round, hash)).or_else(|| {
            let key = self.candidates.iter().find(|(k, _)| k.0 == height && k.2 == hash).map(|(k, _)| *k)?;
            self.candidates.remove(&key)
        });
        let Some(candidate) = chosen else {
            tracing::error!(height, %hash, "decided a block this node never received");
            return Ok(());
        };
        let light = light_certificate(certificate);
        let app = self.app.clone();
        let source = self.source.clone();
        let committed = blocking(move || -> Result<greenhour_app::BlockOutcome, AppError> {
            let sealed = match candidate.sealed {
                Some(sealed) => sealed,
                None => app.process_proposal(candidate.block)?,
            };
            let pending = app.commit_sealed(sealed, Some(light))?;
            source.proposed(pending.outcome());
            let outcome = pending.wait()?;
            Ok(outcome)
        })
        .await??;
        tracing::info!(height, round, txs = committed.block.txs.len(), %hash, "committed");
        self.source.committed(committed);
        // Everything kept for this height (and older) is now stale.
        self.candidates = self.candidates.split_off(&(height + 1, 0, Hash::ZERO));
        self.own = self.own.split_off(&(height + 1, 0));
        // Results checked on the old head are void; they are checked again when needed.
        for c in self.candidates.values_mut() {
            c.sealed = None;
            c.validity = None;
        }
        Ok(())
    }

    fn decided_values(&self, from: u64, to: u64) -> Result<Vec<RawDecidedValue<Ctx>>, AppError> {
        let last = self.app.height()?.min(to).min(from.saturating_add(MAX_SYNC_BATCH - 1));
        let mut out = Vec::new();
        for height in from.max(1)..=last {
            let (Some(block), Some(certificate)) = (self.app.block(height)?, self.app.commit_certificate(height)?)
            else {
                break;
            };
            out.push(RawDecidedValue::new(
                Bytes::from(greenhour_codec::encode(&block)),
                engine_certificate(&certificate),
            ));
        }
        Ok(out)
    }

    async fn synced(
        &mut self,
        height: u64,
        round: Round,
        proposer: ValidatorAddress,
        bytes: Bytes,
    ) -> Result<SyncedValueOutcome<Ctx>, AppError> {
        let Ok(block) = greenhour_codec::decode::<Block>(&bytes) else {
            return Ok(SyncedValueOutcome::PeerFault);
        };
        if block.header.height != height {
            return Ok(SyncedValueOutcome::PeerFault);
        }
        if height != self.next_height()? {
            return Ok(SyncedValueOutcome::LocalTransientError);
        }
        let hash = block.hash();
        let key = (height, round_number(round), hash);
        self.candidates.insert(
            key,
            Candidate { height, round, valid_round: Round::Nil, proposer, block, sealed: None, validity: None },
        );
        self.check(key).await?;
        match self.candidates.get(&key).and_then(Candidate::proposed_value) {
            Some(v) => Ok(SyncedValueOutcome::Verdict(v)),
            None => Ok(SyncedValueOutcome::LocalTransientError),
        }
    }
}

/// Errors that condemn the block rather than this node: a wrong field or a
/// failing transaction, or a module hook the block made fail.
fn refuses_block(e: &AppError) -> bool {
    matches!(e, AppError::InvalidBlock(_) | AppError::Module { .. })
}

/// `Init`, the chunks in order, `Fin`: the stream's header, block and seal.
fn assemble(stream: PartStream) -> Option<(ProposalInit, Block, Signature)> {
    let mut parts = stream.parts.into_values();
    let ProposalPart::Init(init) = parts.next()? else { return None };
    let mut bytes = Vec::with_capacity(stream.bytes);
    let mut signature = None;
    for part in parts {
        match (part, signature) {
            (ProposalPart::Chunk(c), None) => bytes.extend_from_slice(&c),
            (ProposalPart::Fin(s), None) => signature = Some(s),
            _ => return None,
        }
    }
    let block = greenhour_codec::decode::<Block>(&bytes).ok()?;
    Some((init, block, signature?))
}
