// The devnet wallet: an ed25519 key held in this browser's storage, unencrypted,
// and the signing of transactions with it. The key never leaves the page.
//
// The node encodes the transaction body (`encode_tx`, the way Rosetta's
// construction API builds payloads for an offline signer); the wallet does not
// take that on trust where it can check it: the envelope it signs (chain id,
// signer, nonce, fee, memo) must be the one it asked for, and it prefixes the
// transaction domain itself, so a node cannot make it sign a vote or a report.

import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { addressOf, bytesToHex, concat, DOMAIN, equal, hexToBytes, signingBytes, str, u64, uint } from "./codec";
import { call } from "./rpc";

ed.hashes.sha512 = sha512;

const STORAGE_KEY = "greenhour.devnet-wallet.v1";

export interface Wallet {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  address: string;
}

function fromSecret(secretKey: Uint8Array): Wallet {
  const publicKey = ed.getPublicKey(secretKey);
  return { secretKey, publicKey, address: addressOf(publicKey) };
}

export function loadWallet(): Wallet | null {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (!saved || !/^[0-9a-f]{64}$/.test(saved)) return null;
  return fromSecret(hexToBytes(saved));
}

export function createWallet(): Wallet {
  const secretKey = crypto.getRandomValues(new Uint8Array(32));
  localStorage.setItem(STORAGE_KEY, bytesToHex(secretKey));
  return fromSecret(secretKey);
}

export function forgetWallet(): void {
  localStorage.removeItem(STORAGE_KEY);
}

export interface TxEvent {
  kind: string;
  attributes: [string, string][];
}

export interface Committed {
  hash: string;
  committed: { height: number; events: TxEvent[] } | null;
}

/**
 * Signs and sends `actions` (in the JSON form the node's `tx` answers use) and
 * waits for the block that commits them.
 */
export async function send(w: Wallet, actions: unknown[], memo = ""): Promise<Committed> {
  const [status, account] = await Promise.all([
    call<{ chain_id: string; min_fee: string }>("status"),
    call<{ pending_nonce: number }>("account", { address: w.address }),
  ]);
  const nonce = account.pending_nonce;
  const body = { chain_id: status.chain_id, signer: bytesToHex(w.publicKey), nonce, fee: status.min_fee, actions, memo };
  const encoded = await call<{ body: string }>("encode_tx", { body });
  const bytes = hexToBytes(encoded.body);
  const head = concat(str(status.chain_id), w.publicKey, u64(nonce), uint(BigInt(status.min_fee), 16));
  const tail = str(memo);
  if (!equal(bytes.slice(0, head.length), head) || !equal(bytes.slice(bytes.length - tail.length), tail)) {
    throw new Error("the node encoded another envelope than the one asked for; nothing was signed");
  }
  const signature = ed.sign(signingBytes(DOMAIN.tx, status.chain_id, bytes), w.secretKey);
  return call<Committed>("broadcast_tx", { tx: bytesToHex(concat(bytes, signature)), mode: "commit" });
}
