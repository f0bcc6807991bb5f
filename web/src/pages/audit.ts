// The green-claim explorer: from a certificate bundle down to the device's
// signed telemetry, every link checked in this browser. The node supplies
// bytes; this page hashes, decodes and verifies them itself:
//
//   header   its hash is what the validators precommitted, and the signers
//            hold more than two thirds of the set the header names;
//   state    the bundle, the report index and the stored report are proven
//            against that header's app hash (Jellyfish Merkle proofs);
//   report   the device's ed25519 signature over the proven report bytes,
//            taken from the transaction that carried it, and their hash;
//   bundle   its id range, device and source are the proven ones, and its
//            hash chains to the report (or to the bundle it was split from).

import { bytesToHex, hexToBytes, Reader } from "../codec";
import { call } from "../rpc";
import { h, int, link, short, time, wh } from "../ui";
import {
  bundleHash,
  decodeReportIndex,
  decodeStoredReport,
  decodeValidatorSet,
  headerHash,
  reportKey,
  verifyCommit,
  verifyStateProof,
  verifyTelemetry,
  type CommitCertificate,
  type Header,
  type StateProof,
} from "../verify";

interface Bundle {
  first: number;
  last: number;
  device: number;
  source: string;
  start: number;
  end: number;
  report: string;
  hash: string;
  parent: string | null;
}

interface Step {
  title: string;
  ok: boolean;
  detail: (Node | string)[];
}

const enc = (s: string) => new TextEncoder().encode(s);

/** A state value at `height` with its proof checked against `appHash`; null when proven absent. */
async function proven(key: string, height: number, appHash: string): Promise<Uint8Array | null> {
  const p = await call<StateProof>("state", { key, height });
  if (p.version !== height) throw new Error(`the proof is for version ${p.version}, not ${height}`);
  const value = p.value === null ? null : hexToBytes(p.value);
  verifyStateProof(appHash, enc(key), value, p.proof);
  return value;
}

/** The proven prefix of a `Bundle`: the fields before its status. */
function decodeBundlePrefix(bytes: Uint8Array) {
  const r = new Reader(bytes);
  const first = Number(r.u64());
  const last = Number(r.u64());
  r.take(20);
  const device = Number(r.u64());
  const cell = r.string();
  const source = r.u8() === 1 ? "storage" : "solar";
  const start = Number(r.u64());
  const end = Number(r.u64());
  r.u64();
  const report = bytesToHex(r.hash());
  return { first, last, device, cell, source, start, end, report };
}

export async function audit(id: string): Promise<HTMLElement> {
  const steps: Step[] = [];
  const run = async (title: string, check: () => Promise<(Node | string)[]>): Promise<boolean> => {
    try {
      steps.push({ title, ok: true, detail: await check() });
      return true;
    } catch (e) {
      steps.push({ title, ok: false, detail: [e instanceof Error ? e.message : String(e)] });
      return false;
    }
  };

  const status = await call<{ chain_id: string; height: number }>("status");
  const chainId = status.chain_id;
  const height = status.height;
  const bundle = await call<Bundle>("certificate", { id: Number(id) });
  let header: Header | null = null;
  let deviceHour: ReturnType<typeof decodeStoredReport> | null = null;

  // 1. The header at the latest height, and who signed it.
  await run(`Block ${int(height)}: the header the validators signed`, async () => {
    const block = await call<{ hash: string; block: { header: Header } }>("block", { height });
    const commit = await call<CommitCertificate>("commit", { height });
    const hash = headerHash(block.block.header);
    if (hash !== commit.block) throw new Error(`the header hashes to ${short(hash)}, the commit is for ${short(commit.block)}`);
    // The set that signs a block is the one in state when it was proposed; at an
    // epoch's end the next one takes over, so both candidates are tried.
    let matched: ReturnType<typeof decodeValidatorSet> | null = null;
    for (const at of [height - 1, height]) {
      const raw = await call<StateProof>("state", { key: "staking/set/current", height: at });
      if (raw.value === null) continue;
      const set = decodeValidatorSet(hexToBytes(raw.value));
      if (set.hash === block.block.header.validators_hash) matched = set;
      if (matched) break;
    }
    if (!matched) throw new Error("no validator set in state has the hash the header names");
    const { signed, total } = verifyCommit(chainId, commit, matched.members);
    header = block.block.header;
    return [
      `header hash ${short(hash, 16)} recomputed; ${commit.signatures.length} precommit signatures verified (ed25519), `,
      `${signed.toString()} of ${total.toString()} power (more than ⅔) from the ${matched.members.length}-member set whose hash the header names; app hash `,
      h("code", {}, short(block.block.header.app_hash, 16)),
      ". ",
      link(`#/block/${height}`, "Open the block"),
    ];
  });
  const appHash = (header as Header | null)?.app_hash;

  // 2. The bundle, proven in state.
  await run(`Certificates ${int(bundle.first)}–${int(bundle.last)}: in the state under that app hash`, async () => {
    if (!appHash) throw new Error("no trusted header to prove against");
    const value = await proven(`carbon/bundle/${String(bundle.first).padStart(20, "0")}`, height, appHash);
    if (!value) throw new Error("proven absent");
    const p = decodeBundlePrefix(value);
    const same = p.first === bundle.first && p.last === bundle.last && p.device === bundle.device && p.source === bundle.source && p.report === bundle.report;
    if (!same) throw new Error("the node's description differs from the proven bytes");
    const previous = bundle.parent ?? bundle.report;
    const chained = bundleHash(previous, bundle.first, bundle.last, bundle.source);
    if (chained !== bundle.hash) throw new Error(`the bundle hash does not chain: ${short(chained)} ≠ ${short(bundle.hash)}`);
    return [
      `Merkle proof verified: ${wh(p.last - p.first + 1)} of ${p.source} energy from device #${p.device} in cell ${p.cell}, produced ${time(p.start)}–${time(p.end)}. `,
      `Its hash chains to ${bundle.parent ? "the bundle it was split from" : "the telemetry report"}: `,
      h("code", {}, short(bundle.hash, 16)),
    ];
  });

  // 3. The device-hour: the report index and the stored report, both proven.
  await run("The device-hour: the accepted telemetry report", async () => {
    if (!appHash) throw new Error("no trusted header to prove against");
    const index = await proven(`devices/report-hash/${bundle.report}`, height, appHash);
    if (!index) throw new Error("the report hash is proven absent");
    const { device, start } = decodeReportIndex(index);
    const stored = await proven(reportKey(device, start), height, appHash);
    if (!stored) throw new Error("the report is proven absent");
    const r = decodeStoredReport(stored);
    if (r.hash !== bundle.report) throw new Error("the stored report has another hash");
    deviceHour = r;
    return [
      `Device #${device.toString()}, ${time(Number(r.start))}–${time(Number(r.end))}: ${wh(Number(r.generatedWh))} generated, `,
      `${wh(Number(r.computeWh))} of compute of which ${wh(Number(r.greenComputeWh))} green; accepted in block ${int(Number(r.acceptedAt))}. Both keys proven.`,
    ];
  });

  // 4. The device's signature, from the transaction that carried the report.
  const hour = deviceHour as ReturnType<typeof decodeStoredReport> | null;
  await run("The signed telemetry: the device's own signature", async () => {
    if (!hour) throw new Error("no proven report to check");
    const at = Number(hour.acceptedAt);
    const [block, device] = await Promise.all([
      call<{ block: { txs: { body: { signer: string; actions: Record<string, Record<string, { report?: { device: number; start: number }; signature?: string }>>[] } }[] } }>("block", { height: at }),
      call<{ key: string }>("device", { id: Number(hour.device) }),
    ]);
    let signature: string | null = null;
    for (const tx of block.block.txs) {
      for (const a of tx.body.actions) {
        const report = a.devices?.report;
        if (report?.report && BigInt(report.report.device) === hour.device && BigInt(report.report.start) === hour.start) signature = report.signature ?? null;
      }
    }
    if (!signature) throw new Error(`block ${at} carries no report of this device-hour`);
    verifyTelemetry(chainId, device.key, hour.reportBytes, signature, hour.hash);
    return [
      "ed25519 signature verified with the device's telemetry key ",
      h("code", {}, short(device.key, 16)),
      ` over the proven report bytes; report and signature hash to ${short(hour.hash, 16)}. Carried in `,
      link(`#/block/${at}`, `block ${int(at)}`),
      ".",
    ];
  });

  const passed = steps.every((s) => s.ok);
  return h(
    "div",
    {},
    h(
      "p",
      { class: passed ? "notice" : "error", role: "status", "data-audit": passed ? "verified" : "failed" },
      passed ? "Verified in this browser: every step below holds." : "Not verified: a step below failed.",
    ),
    h(
      "ol",
      { class: "audit" },
      ...steps.map((s) =>
        h("li", { class: s.ok ? "ok" : "bad" }, h("strong", {}, `${s.ok ? "✓" : "✗"} ${s.title}`), h("p", {}, ...s.detail)),
      ),
    ),
    h(
      "p",
      { class: "muted" },
      "Trust: the header is taken as final because the validator set it names signed it; a light client also follows that set from genesis. The device's telemetry key is read from the node.",
    ),
    link(`#/certificate/${bundle.first}`, "Back to the certificate"),
  );
}
