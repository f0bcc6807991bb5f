// Network: the chain's height and pace, the validators with their power and
// green work (PoGCS), the latest blocks and transactions, and one block.

import { call } from "../rpc";
import { facts, ghr, h, int, link, short, table, time } from "../ui";

interface Status {
  chain_id: string;
  node_version: string;
  height: number;
  latest_block_hash: string;
  latest_app_hash: string;
  latest_block_time: number;
  mempool_size: number;
  min_fee: string;
}

interface Validator {
  delegators: number;
  green_milli_gpu_hours: number;
  validator: { moniker: string; operator: string; status: string; tokens: string; commission_bps: number };
}

export interface Tx {
  body: { signer: string; nonce: number; fee: string; actions: Record<string, Record<string, unknown>>[]; memo: string };
}

export interface BlockInfo {
  hash: string;
  block: { header: { height: number; time: number; app_hash: string; prev_hash: string; chain_id: string }; txs: Tx[] };
  /** The hash of each of `block.txs`, in order. */
  tx_hashes: string[];
  block_events: { kind: string; attributes: [string, string][] }[];
}

/** `module.action` of each action in a transaction, e.g. `market.swap`. */
export function actionNames(tx: Tx): string {
  const names = tx.body.actions.flatMap((a) => Object.entries(a).map(([m, inner]) => `${m}.${Object.keys(inner)[0]}`));
  // A run of the same action (a market maker's 20 cancels) reads as one entry with its count.
  const runs: [string, number][] = [];
  for (const n of names) {
    const last = runs[runs.length - 1];
    if (last && last[0] === n) last[1] += 1;
    else runs.push([n, 1]);
  }
  return runs.map(([n, count]) => (count > 1 ? `${n} × ${count}` : n)).join(", ");
}

/** Committed blocks never change: the live page fetches each height once. */
const blockCache = new Map<number, BlockInfo>();

async function blockAt(height: number): Promise<BlockInfo> {
  const known = blockCache.get(height);
  if (known) return known;
  const b = await call<BlockInfo>("block", { height });
  blockCache.set(height, b);
  for (const old of blockCache.keys()) if (old < height - 64) blockCache.delete(old);
  return b;
}

export async function network(): Promise<HTMLElement> {
  const status = await call<Status>("status");
  const [validators, blocks] = await Promise.all([
    call<Validator[]>("validators"),
    Promise.all(Array.from({ length: Math.min(12, status.height) }, (_, i) => blockAt(status.height - i))),
  ]);
  const times = blocks.map((b) => b.block.header.time);
  const pace = times.length > 1 ? (times[0] - times[times.length - 1]) / (times.length - 1) : null;
  const txs = blocks.flatMap((b) => b.block.txs.map((tx, i) => ({ height: b.block.header.height, hash: b.tx_hashes[i], tx })));
  const totalPower = validators.reduce((s, v) => s + BigInt(v.validator.tokens), 0n);
  return h(
    "div",
    { class: "grid" },
    facts("Chain", [
      ["Chain id", status.chain_id],
      ["Height", int(status.height)],
      ["Latest block", time(status.latest_block_time)],
      ["Block time", pace === null ? "—" : `${pace.toFixed(0)} s of chain time per block (last ${times.length})`],
      ["Mempool", int(status.mempool_size, "txs")],
      ["Minimum fee", ghr(status.min_fee, 3)],
      ["App hash", h("code", {}, short(status.latest_app_hash, 16))],
    ]),
    table(
      "Validators (PoGCS: bonded GHR, weighted by verified green compute)",
      [
        { title: "Moniker", cell: (v) => v.validator.moniker },
        { title: "Operator", cell: (v) => link(`#/account/${v.validator.operator}`, short(v.validator.operator, 14)) },
        { title: "Status", cell: (v) => v.validator.status },
        { title: "Bonded", cell: (v) => ghr(v.validator.tokens, 0), numeric: true },
        {
          title: "Share of stake",
          cell: (v) => (totalPower > 0n ? `${(Number((BigInt(v.validator.tokens) * 10_000n) / totalPower) / 100).toFixed(2)} %` : "—"),
          numeric: true,
        },
        { title: "Green work", cell: (v) => `${(v.green_milli_gpu_hours / 1000).toFixed(3)} GPU-h`, numeric: true },
        { title: "Delegators", cell: (v) => int(v.delegators), numeric: true },
      ],
      validators,
    ),
    table(
      "Latest blocks",
      [
        { title: "Height", cell: (b) => link(`#/block/${b.block.header.height}`, int(b.block.header.height)) },
        { title: "Time", cell: (b) => time(b.block.header.time) },
        { title: "Transactions", cell: (b) => int(b.block.txs.length), numeric: true },
        { title: "Block events", cell: (b) => int(b.block_events.length), numeric: true },
        { title: "Hash", cell: (b) => h("code", {}, short(b.hash)) },
      ],
      blocks,
      12,
    ),
    table(
      "Latest transactions",
      [
        { title: "Transaction", cell: (t) => link(`#/tx/${t.hash}`, h("code", {}, short(t.hash))) },
        { title: "Block", cell: (t) => link(`#/block/${t.height}`, int(t.height)) },
        { title: "Signer key", cell: (t) => h("code", {}, short(t.tx.body.signer)) },
        { title: "Nonce", cell: (t) => int(t.tx.body.nonce), numeric: true },
        { title: "Fee", cell: (t) => ghr(t.tx.body.fee, 3), numeric: true },
        { title: "Actions", cell: (t) => actionNames(t.tx) },
      ],
      txs,
      10,
    ),
  );
}

export async function block(height: string): Promise<HTMLElement> {
  const b = await blockAt(Number(height));
  const hd = b.block.header;
  return h(
    "div",
    { class: "grid" },
    facts(`Block ${int(hd.height)}`, [
      ["Time", time(hd.time)],
      ["Hash", h("code", {}, b.hash)],
      ["Previous", hd.height > 1 ? link(`#/block/${hd.height - 1}`, h("code", {}, short(hd.prev_hash, 16))) : "—"],
      ["App hash (state after the previous block)", h("code", {}, hd.app_hash)],
      ["Transactions", int(b.block.txs.length)],
    ]),
    table(
      "Transactions",
      [
        { title: "#", cell: (t) => int(t.index), numeric: true },
        { title: "Transaction", cell: (t) => link(`#/tx/${t.hash}`, h("code", {}, short(t.hash, 16))) },
        { title: "Signer key", cell: (t) => h("code", {}, short(t.tx.body.signer, 16)) },
        { title: "Fee", cell: (t) => ghr(t.tx.body.fee, 3), numeric: true },
        { title: "Actions", cell: (t) => actionNames(t.tx) },
        { title: "Memo", cell: (t) => t.tx.body.memo || "—" },
      ],
      b.block.txs.map((tx, index) => ({ tx, index, hash: b.tx_hashes[index] })),
    ),
    table(
      "Block events (hooks)",
      [
        { title: "Kind", cell: (e) => e.kind },
        { title: "Attributes", cell: (e) => e.attributes.map(([k, v]) => `${k}=${v}`).join(" · ") },
      ],
      b.block_events,
    ),
  );
}
