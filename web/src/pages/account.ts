// One account (balances, devices, jobs, covers, derivatives margin), one
// certificate bundle, and the search that leads to them.

import { call, maybe } from "../rpc";
import { amount, facts, gusd, h, hour, int, link, short, table, time, variant, wh } from "../ui";
import { allDevices, greenShare } from "./devices";
import type { Job } from "./jobs";

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
  const [devices, jobs, margin] = await Promise.all([
    allDevices(address),
    call<Job[]>("jobs", { buyer: address }),
    maybe<{ exists: boolean; equity: string; positions: unknown[] }>("derivatives_account", { owner: address }),
  ]);
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

/** Where a search term leads: an address, a block, a device, a job, a certificate. */
export function searchTarget(kind: string, term: string): string | null {
  const t = term.trim();
  if (!t) return null;
  if (kind === "auto") {
    if (/^gh1[0-9a-z]{38}$/.test(t)) return `#/account/${t}`;
    if (/^\d+$/.test(t)) return `#/block/${t}`;
    return null;
  }
  if (kind === "account") return `#/account/${t}`;
  if (!/^\d+$/.test(t)) return null;
  return `#/${kind}/${t}`;
}
