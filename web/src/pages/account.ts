// One account (balances, transactions, devices, jobs, position NFTs, loans,
// gUSD vaults, RWA holdings, covers, derivatives margin), one certificate
// bundle, and the search that leads to them.

import { call, callAll, maybe } from "../rpc";
import { amount, bps, facts, gusd, h, hour, int, link, short, table, time, variant, wh } from "../ui";
import { allDevices, greenShare } from "./devices";
import type { Job } from "./jobs";
import { accountTxs } from "./tx";

type Amount = string;

interface Token {
  id: { class: string; serial: number };
  attributes: [string, string][];
}

interface LendingPosition {
  market: number;
  supply_assets: Amount;
  debt: Amount;
  pledged: unknown[];
  position: { collateral: Amount };
  borrow_limit: Amount | null;
  liquidatable: boolean;
  price_error: string | null;
}

interface VaultView {
  vault: { id: number; denom: string; collateral: Amount; debt: Amount; rate_bps: number };
  ratio_bps: number | null;
  mcr_bps: number;
  liquidatable: boolean;
}

interface HoldingView {
  package: number;
  tranche: number;
  holding: { units: Amount; locked_until: number };
  payout_due: Amount;
}

interface Cover {
  id: number;
  peril: unknown;
  sum_insured: Amount;
  premium: Amount;
  events: number;
  judged: number;
  events_paid: number;
  paid: Amount;
}

/** Every position NFT `owner` holds, a page at a time (cursor `class/serial`). */
const allTokens = (owner: string) => callAll<Token>("nfts", { owner }, (t) => `${t.id.class}/${t.id.serial}`);

interface AccountInfo {
  address: string;
  nonce: number;
  balances: { denom: string; amount: string }[];
}

const DECIMALS: Record<string, [string, number]> = { ughr: ["GHR", 6], ugusd: ["gUSD", 6], ugco2: ["gCO₂", 6] };

export function coin(denom: string, value: string): string {
  const slot = /^slot\/([a-z]+)\/(\d+)$/.exec(denom);
  if (slot) return `${int(value)} GPU-h (${slot[1]}, ${hour(Number(slot[2]))})`;
  const known = DECIMALS[denom];
  return known ? amount(value, known[0], known[1]) : `${int(value)} ${denom}`;
}

/** An account's balances, each in its unit. */
export function balancesTable(caption: string, balances: { denom: string; amount: string }[]): HTMLElement {
  return table(
    caption,
    [
      { title: "Denom", cell: (b) => b.denom },
      { title: "Amount", cell: (b) => coin(b.denom, b.amount), numeric: true },
    ],
    balances,
    25,
    "No balance.",
  );
}

export async function account(address: string): Promise<HTMLElement> {
  const info = await call<AccountInfo>("account", { address });
  const [devices, jobs, margin, txs, tokens, loans, vaults, holdings, covers] = await Promise.all([
    allDevices(address),
    call<Job[]>("jobs", { buyer: address }),
    maybe<{ exists: boolean; equity: string; positions: unknown[] }>("derivatives_account", { owner: address }),
    accountTxs(address),
    allTokens(address),
    call<LendingPosition[]>("lending_positions", { owner: address }),
    call<VaultView[]>("stable_vaults", { owner: address }),
    call<HoldingView[]>("rwa_holdings", { holder: address }),
    call<Cover[]>("covers", { holder: address }),
  ]);
  const ratio = (v: number | null) => (v === null ? "—" : bps(v));
  return h(
    "div",
    { class: "grid" },
    facts("Account", [
      ["Address", h("code", {}, info.address)],
      ["Transactions sent", int(info.nonce)],
      ["Derivatives margin", margin?.exists ? `${gusd(margin.equity)} equity, ${margin.positions.length} positions` : "none"],
    ]),
    balancesTable("Balances", info.balances),
    table(
      "Devices owned",
      [
        { title: "Device", cell: (d) => link(`#/device/${d.id}`, `#${d.id}`) },
        { title: "Cell", cell: (d) => d.cell },
        { title: "Status", cell: (d) => d.status },
        { title: "Green share", cell: greenShare, numeric: true },
      ],
      devices,
      25,
      "No device.",
    ),
    table(
      "Jobs posted",
      [
        { title: "Job", cell: (j) => link(`#/job/${j.id}`, `#${j.id}`) },
        { title: "Status", cell: (j) => j.status },
        { title: "Kind", cell: (j) => j.spec.kind },
      ],
      [...jobs].reverse(),
      25,
      "No job.",
    ),
    txs,
    table(
      "NFTs held (positions pay their holder; receipts record claims and retirements)",
      [
        { title: "NFT", cell: (t) => `${t.id.class} #${t.id.serial}` },
        { title: "Attributes", cell: (t) => t.attributes.map(([k, v]) => `${k}=${v}`).join(" · ") },
      ],
      tokens,
      25,
      "No NFT held.",
    ),
    table(
      "Lending positions (isolated markets)",
      [
        { title: "Market", cell: (p) => `#${p.market}` },
        { title: "Supplied", cell: (p) => gusd(p.supply_assets), numeric: true },
        { title: "Debt", cell: (p) => gusd(p.debt), numeric: true },
        { title: "Borrow limit", cell: (p) => (p.borrow_limit === null ? `frozen: ${p.price_error ?? "no price"}` : gusd(p.borrow_limit)), numeric: true },
        { title: "Collateral", cell: (p) => `${int(p.position.collateral)} units, ${int(p.pledged.length)} NFTs pledged` },
        { title: "Health", cell: (p) => (p.liquidatable ? "liquidatable" : "healthy") },
      ],
      loans,
      25,
      "No lending position.",
    ),
    table(
      "gUSD vaults",
      [
        { title: "Vault", cell: (v) => `#${v.vault.id}` },
        { title: "Collateral", cell: (v) => int(v.vault.collateral, v.vault.denom), numeric: true },
        { title: "Debt", cell: (v) => gusd(v.vault.debt), numeric: true },
        { title: "Rate", cell: (v) => `${bps(v.vault.rate_bps)} a year`, numeric: true },
        { title: "Ratio", cell: (v) => `${ratio(v.ratio_bps)} (min ${bps(v.mcr_bps)})`, numeric: true },
        { title: "Health", cell: (v) => (v.liquidatable ? "liquidatable" : "healthy") },
      ],
      vaults,
      25,
      "No vault.",
    ),
    table(
      "RWA holdings",
      [
        { title: "Package", cell: (x) => link(`#/package/${x.package}`, `#${x.package}`) },
        { title: "Tranche", cell: (x) => int(x.tranche), numeric: true },
        { title: "Units", cell: (x) => int(x.holding.units), numeric: true },
        { title: "Payout due", cell: (x) => gusd(x.payout_due), numeric: true },
        { title: "Locked until", cell: (x) => time(x.holding.locked_until) },
      ],
      holdings,
      25,
      "No RWA holding.",
    ),
    table(
      "Covers held (parametric insurance)",
      [
        { title: "Cover", cell: (c) => `#${c.id}` },
        { title: "Peril", cell: (c) => variant(c.peril) },
        { title: "Sum insured", cell: (c) => gusd(c.sum_insured), numeric: true },
        { title: "Premium", cell: (c) => gusd(c.premium), numeric: true },
        { title: "Events judged · paid", cell: (c) => `${int(c.judged)} of ${int(c.events)} · ${int(c.events_paid)}`, numeric: true },
        { title: "Paid out", cell: (c) => gusd(c.paid), numeric: true },
      ],
      covers,
      25,
      "No cover.",
    ),
  );
}

interface Bundle {
  first: number;
  last: number;
  owner: string;
  device: number;
  cell: string;
  source: string;
  start: number;
  end: number;
  issued_at: number;
  report: string;
  status: unknown;
  hash: string;
  parent: string | null;
}

export async function certificate(id: string): Promise<HTMLElement> {
  const b = await call<Bundle>("certificate", { id: Number(id) });
  return h(
    "div",
    { class: "grid" },
    facts(`Certificates ${int(b.first)}–${int(b.last)}`, [
      ["Energy", wh(b.last - b.first + 1)],
      ["Produced", `${time(b.start)} → ${time(b.end)}`],
      ["Source", b.source],
      ["Device", link(`#/device/${b.device}`, `#${b.device} in cell ${b.cell}`)],
      ["Owner", link(`#/account/${b.owner}`, b.owner)],
      ["Status", variant(b.status)],
      ["Issued from telemetry report", h("code", {}, short(b.report, 16))],
      ["Bundle hash (chained)", h("code", {}, short(b.hash, 16))],
      ["Split from", b.parent ? h("code", {}, short(b.parent, 16)) : "—"],
      ["Audit", link(`#/audit/${b.first}`, "Check this claim down to the device's signed telemetry, in this browser")],
    ]),
  );
}

/** Where a search term leads: an address, a block, a transaction, a device, a job, a certificate, a package. */
export function searchTarget(kind: string, term: string): string | null {
  const t = term.trim();
  if (!t) return null;
  const txHash = /^(0x)?([0-9a-fA-F]{64})$/.exec(t);
  if (kind === "auto") {
    if (/^gh1[0-9a-z]{38}$/.test(t)) return `#/account/${t}`;
    if (txHash) return `#/tx/${txHash[2].toLowerCase()}`;
    if (/^\d+$/.test(t)) return `#/block/${t}`;
    return null;
  }
  if (kind === "account") return `#/account/${t}`;
  if (kind === "tx") return txHash ? `#/tx/${txHash[2].toLowerCase()}` : null;
  if (!/^\d+$/.test(t)) return null;
  return `#/${kind}/${t}`;
}
