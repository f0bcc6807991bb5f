// What the browser checks itself, without trusting the node's word: ed25519
// signatures (telemetry, commit votes), header hashes, validator-set hashes,
// certificate hash chains and Jellyfish Merkle proofs of state against a
// header's app hash. Each mirrors the Rust it names; a mismatch throws with
// what differed.

import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, concat, digestParts, DOMAIN, equal, hexToBytes, Reader, sha256, signingBytes, str, u64, uint } from "./codec";

ed.hashes.sha512 = sha512;

/** `Header` as the node's `block` answer gives it. */
export interface Header {
  chain_id: string;
  height: number;
  time: number;
  prev_hash: string;
  tx_root: string;
  app_hash: string;
  validators_hash: string;
  next_validators_hash: string;
  last_commit_hash: string;
}

export interface CommitCertificate {
  height: number;
  round: number;
  block: string;
  signatures: { validator_key: string; signature: string }[];
}

export interface StateProof {
  version: number;
  root: string;
  key: string;
  value: string | null;
  proof: string;
}

/** `Header::hash`: SHA-256 of the header's encoding, fields in declaration order. */
export function headerHash(h: Header): string {
  const hashes = [h.prev_hash, h.tx_root, h.app_hash, h.validators_hash, h.next_validators_hash, h.last_commit_hash];
  return bytesToHex(sha256(concat(str(h.chain_id), u64(h.height), u64(h.time), ...hashes.map(hexToBytes))));
}

export interface SetMember {
  operator: Uint8Array;
  key: string;
  power: bigint;
}

/** A `ValidatorSet` from its state bytes, and the hash headers carry (of its members). */
export function decodeValidatorSet(bytes: Uint8Array): { epoch: bigint; members: SetMember[]; hash: string } {
  const r = new Reader(bytes);
  const epoch = r.u64();
  const start = 8;
  const members = r.vec((m) => ({ operator: m.take(20), key: bytesToHex(m.take(32)), power: m.u64() }), 60);
  r.done();
  return { epoch, members, hash: bytesToHex(sha256(bytes.slice(start))) };
}

/**
 * Checks a commit certificate against a set: every signer is a member, listed
 * once, its precommit signature verifies, and the signers hold more than two
 * thirds of the power. Returns the signed and the total power.
 */
export function verifyCommit(chainId: string, commit: CommitCertificate, members: SetMember[]): { signed: bigint; total: bigint } {
  const total = members.reduce((s, m) => s + m.power, 0n);
  const seen = new Set<string>();
  let signed = 0n;
  for (const s of commit.signatures) {
    if (seen.has(s.validator_key)) throw new Error(`${s.validator_key} signs twice`);
    seen.add(s.validator_key);
    const member = members.find((m) => m.key === s.validator_key);
    if (!member) throw new Error(`${s.validator_key.slice(0, 12)}… is not in the validator set`);
    // `Vote { chain_id, height, round, kind: Precommit, block: Some(hash), validator_key }`.
    const vote = concat(
      str(chainId),
      u64(commit.height),
      uint(commit.round, 4),
      Uint8Array.of(1),
      Uint8Array.of(1),
      hexToBytes(commit.block),
      hexToBytes(s.validator_key),
    );
    const message = signingBytes(DOMAIN.consensus, chainId, vote);
    if (!ed.verify(hexToBytes(s.signature), message, hexToBytes(s.validator_key))) {
      throw new Error(`the precommit of ${s.validator_key.slice(0, 12)}… does not verify`);
    }
    signed += member.power;
  }
  if (3n * signed <= 2n * total) throw new Error(`signers hold ${signed} of ${total} power, not more than two thirds`);
  return { signed, total };
}

const LEAF = new TextEncoder().encode("JMT::LeafNode");
const INTERNAL = new TextEncoder().encode("JMT::IntrnalNode");
const PLACEHOLDER = new TextEncoder().encode("SPARSE_MERKLE_PLACEHOLDER_HASH__");

/**
 * Verifies a Jellyfish Merkle proof (borsh of jmt's `SparseMerkleProof<Sha256>`)
 * that `key` holds `value` (or, with null, is absent) under `root`: the same
 * steps as jmt 0.12's `SparseMerkleProof::verify`.
 */
export function verifyStateProof(root: string, key: Uint8Array, value: Uint8Array | null, proofHex: string): void {
  const r = new Reader(hexToBytes(proofHex));
  const leaf = r.bool() ? { key: r.hash(), value: r.hash() } : null;
  const siblings = r.vec((s) => {
    const tag = s.u8();
    if (tag === 0) return PLACEHOLDER;
    if (tag === 1) return sha256(concat(INTERNAL, s.hash(), s.hash()));
    if (tag === 2) return sha256(concat(LEAF, s.hash(), s.hash()));
    throw new Error(`unknown proof node tag ${tag}`);
  });
  r.done();
  if (siblings.length > 256) throw new Error("a proof has at most 256 siblings");
  const keyHash = sha256(key);
  // Bits from the most significant of the first byte, as jmt's `iter_bits`.
  const bitOf = (bytes: Uint8Array, i: number) => ((bytes[i >> 3] >> (7 - (i & 7))) & 1) === 1;
  const bit = (i: number) => bitOf(keyHash, i);
  if (value !== null) {
    if (!leaf) throw new Error("expected an inclusion proof, found a non-inclusion proof");
    if (!equal(leaf.key, keyHash)) throw new Error("the proof's leaf is another key");
    if (!equal(leaf.value, sha256(value))) throw new Error("the proof's leaf holds another value");
  } else if (leaf) {
    if (equal(leaf.key, keyHash)) throw new Error("expected absence, but the key exists");
    let common = 0;
    while (common < 256 && bit(common) === bitOf(leaf.key, common)) common++;
    if (common < siblings.length) throw new Error("the key would not end up beside the proof's leaf");
  }
  let hash = leaf ? sha256(concat(LEAF, leaf.key, leaf.value)) : PLACEHOLDER;
  // Siblings run bottom-up; sibling i pairs with bit (n − 1 − i) of the key hash.
  siblings.forEach((sibling, i) => {
    hash = bit(siblings.length - 1 - i) ? sha256(concat(INTERNAL, sibling, hash)) : sha256(concat(INTERNAL, hash, sibling));
  });
  if (bytesToHex(hash) !== root) throw new Error(`the proof leads to root ${bytesToHex(hash).slice(0, 12)}…, not ${root.slice(0, 12)}…`);
}

/** A `StoredReport` from its state bytes: the report's own encoding is kept for the signature check. */
export interface ProvenReport {
  hash: string;
  reportBytes: Uint8Array;
  device: bigint;
  start: bigint;
  end: bigint;
  generatedWh: bigint;
  computeWh: bigint;
  greenComputeWh: bigint;
  greenShareBps: number;
  acceptedAt: bigint;
}

export function decodeStoredReport(bytes: Uint8Array): ProvenReport {
  const r = new Reader(bytes);
  const hash = bytesToHex(r.hash());
  // `TelemetryReport`: ten u64 fields, a u16 and a bool.
  const reportBytes = r.take(8 * 10 + 2 + 1);
  const greenComputeWh = r.u64();
  const greenShareBps = r.u32();
  const acceptedAt = r.u64();
  r.done();
  const rr = new Reader(reportBytes);
  const [device, start, end, generatedWh, , , , , computeWh] = Array.from({ length: 9 }, () => rr.u64());
  return { hash, reportBytes, device, start, end, generatedWh, computeWh, greenComputeWh, greenShareBps, acceptedAt };
}

/**
 * Checks a device's telemetry signature over the report's encoding, and that
 * the report with that signature hashes to `expectedHash` (`signed_hash`).
 */
export function verifyTelemetry(chainId: string, deviceKey: string, reportBytes: Uint8Array, signatureHex: string, expectedHash: string): void {
  const signature = hexToBytes(signatureHex);
  const signedHash = bytesToHex(sha256(concat(reportBytes, signature)));
  if (signedHash !== expectedHash) throw new Error(`the signed report hashes to ${signedHash.slice(0, 12)}…, not ${expectedHash.slice(0, 12)}…`);
  if (!ed.verify(signature, signingBytes(DOMAIN.telemetry, chainId, reportBytes), hexToBytes(deviceKey))) {
    throw new Error("the device's signature does not verify");
  }
}

/** `chain_hash`: a bundle's hash from its predecessor's, its id range and its source. */
export function bundleHash(previous: string, first: number, last: number, source: string): string {
  const be = (v: number) => uint(v, 8).reverse();
  const sourceByte = Uint8Array.of(source === "storage" ? 1 : 0);
  return bytesToHex(digestParts(hexToBytes(previous), be(first), be(last), sourceByte));
}

/** The `(device, start)` a report hash names, from `devices/report-hash/{hash}`'s bytes. */
export function decodeReportIndex(bytes: Uint8Array): { device: bigint; start: bigint } {
  const r = new Reader(bytes);
  const out = { device: r.u64(), start: r.u64() };
  r.done();
  return out;
}

/** The report's key in state, as `devices::keys::report_key_text` writes it. */
export function reportKey(device: bigint, start: bigint): string {
  return `devices/report/${device.toString().padStart(20, "0")}/${start.toString().padStart(20, "0")}`;
}
