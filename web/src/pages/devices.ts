// Devices: the fleet on a map and in a paginated list; one device's hourly
// energy and compute, its reports, its pools' positions and its certificates.

import { lineChart } from "../chart";
import { deviceMap } from "../map";
import { call } from "../rpc";
import { bps, facts, h, hour, int, link, short, table, time, variant, wh } from "../ui";
import { outcome, type TxInfo } from "./tx";

/** How far back a device's page looks for its failed reports: the owner's last 48 transactions (two days of hourly reports). */
const REPORT_SCAN = 48;

export interface Device {
  id: number;
  owner: string;
  class: string;
  cell: string;
  status: string;
  registered_at: number;
  last_report_end: number;
  reports: number;
  key: string;
  nameplate: { pv_w: number; battery_wh: number; battery_max_w: number; charger_w: number; gpu_count: number; gpu_model: string; gpu_tdp_w: number };
  totals: { compute_wh: number; generated_wh: number; gpu_seconds: number; green_compute_wh: number; reported_seconds: number };
}

interface StoredReport {
  accepted_at: number;
  green_compute_wh: number;
  green_share_bps: number;
  hash: string;
  report: {
    start: number;
    end: number;
    generated_wh: number;
    compute_wh: number;
    charged_wh: number;
    discharged_wh: number;
    imported_wh: number;
    exported_wh: number;
    gpu_seconds: number;
    soc_permille: number;
    outage_before: boolean;
  };
}

/** A live position of the device: the pledge its NFT carries, and who holds it. */
interface PositionView {
  owner: string;
  position: { serial: number; pool: number; first_hour: number; hours: number; quantity: number; unit: string };
  hours: { hour: number; state: string; unsold: number; sold: number }[];
}

interface Certificate {
  first: number;
  last: number;
  owner: string;
  status: unknown;
  source: string;
  start: number;
  report: string;
}

export const greenShare = (d: Device) =>
  d.totals.compute_wh > 0 ? bps(Math.floor((d.totals.green_compute_wh * 10_000) / d.totals.compute_wh)) : "—";

/** The node's page size for device lists. */
const DEVICE_PAGE = 1_000;

/** Every device (of `owner`, or all), a page at a time: each page starts after the last id. */
export async function allDevices(owner?: string): Promise<Device[]> {
  const all: Device[] = [];
  for (;;) {
    const after = all.length ? all[all.length - 1].id : undefined;
    const page = await call<Device[]>("devices", { ...(owner ? { owner } : {}), ...(after !== undefined ? { after } : {}) });
    all.push(...page);
    if (page.length < DEVICE_PAGE) return all;
  }
}

export async function devices(): Promise<HTMLElement> {
  const all = await allDevices();
  const cells = new Map<string, number>();
  for (const d of all) cells.set(d.cell, (cells.get(d.cell) ?? 0) + 1);
  const active = all.filter((d) => d.status === "active").length;
  const pv = all.reduce((s, d) => s + d.nameplate.pv_w, 0);
  const gpus = all.reduce((s, d) => s + d.nameplate.gpu_count, 0);
  return h(
    "div",
    { class: "grid" },
    facts("Fleet", [
      ["Devices", `${int(all.length)} (${int(active)} active)`],
      ["Solar nameplate", `${(pv / 1000).toFixed(1)} kW`],
      ["GPUs", int(gpus)],
      ["Cells", int(cells.size)],
    ]),
    deviceMap(cells),
    table(
      "Devices",
      [
        { title: "Device", cell: (d) => link(`#/device/${d.id}`, `#${d.id}`) },
        { title: "Class", cell: (d) => d.class },
        { title: "Cell", cell: (d) => d.cell },
        { title: "Status", cell: (d) => d.status },
        { title: "Owner", cell: (d) => link(`#/account/${d.owner}`, short(d.owner, 12)) },
        { title: "PV", cell: (d) => `${(d.nameplate.pv_w / 1000).toFixed(1)} kW`, numeric: true },
        { title: "GPU", cell: (d) => `${d.nameplate.gpu_count} × ${d.nameplate.gpu_model}` },
        { title: "Reports", cell: (d) => int(d.reports), numeric: true },
        { title: "Green share of compute", cell: greenShare, numeric: true },
        { title: "Last report", cell: (d) => time(d.last_report_end) },
      ],
      all,
      50,
    ),
  );
}

/** The device id of a `devices.report` action, or null for any other action. */
function reportedDevice(action: Record<string, Record<string, unknown>>): number | null {
  const report = (action.devices?.report as { report?: { device?: number } } | undefined)?.report;
  return typeof report?.device === "number" ? report.device : null;
}

/**
 * Reports of `device` in transactions that failed in their block (the report
 * itself, or another action riding with it), with the reason, from the owner's
 * latest transactions: the owner relays its devices' reports. A report refused
 * at admission never reaches a block, so the chain has no record of it.
 */
async function refusedReports(owner: string, device: number): Promise<{ tx: TxInfo; start: number }[]> {
  const txs = await call<TxInfo[]>("account_txs", { address: owner, limit: REPORT_SCAN });
  return txs.flatMap((tx) => {
    if (!tx.record.error) return [];
    const action = tx.tx.body.actions.find((a) => reportedDevice(a) === device);
    const report = (action?.devices.report as { report: { start: number } } | undefined)?.report;
    return report ? [{ tx, start: report.start }] : [];
  });
}

export async function device(id: string): Promise<HTMLElement> {
  const d = await call<Device>("device", { id: Number(id) });
  const [reports, certs, positions, refused] = await Promise.all([
    call<StoredReport[]>("device_reports", { id: d.id }),
    call<{ items: Certificate[] }>("certificates", { device: d.id }).then((page) => page.items),
    call<PositionView[]>("positions", { device: d.id }),
    refusedReports(d.owner, d.id),
  ]);
  const xs = reports.map((r) => r.report.start);
  const accepted = new Set(xs);
  const series = (f: (r: StoredReport) => number, label: string) => ({ label, values: reports.map(f) });
  const np = d.nameplate;
  return h(
    "div",
    { class: "grid" },
    facts(`Device #${d.id}`, [
      ["Owner", link(`#/account/${d.owner}`, d.owner)],
      ["Class · cell · status", `${d.class} · ${d.cell} · ${d.status}`],
      ["Telemetry key", h("code", {}, short(d.key, 16))],
      ["Solar · battery", `${(np.pv_w / 1000).toFixed(1)} kW · ${(np.battery_wh / 1000).toFixed(1)} kWh (${(np.battery_max_w / 1000).toFixed(1)} kW)`],
      ["EV charger", np.charger_w ? `${(np.charger_w / 1000).toFixed(1)} kW` : "none"],
      ["GPUs", `${np.gpu_count} × ${np.gpu_model}, ${np.gpu_tdp_w} W TDP`],
      ["Reports accepted", int(d.reports)],
      ["Reported time", `${(d.totals.reported_seconds / 3600).toFixed(1)} h`],
      ["Generated (PV)", wh(d.totals.generated_wh)],
      ["Compute energy", wh(d.totals.compute_wh)],
      ["Of it green", `${wh(d.totals.green_compute_wh)} (${greenShare(d)})`],
    ]),
    lineChart(
      "Hourly energy",
      "Wh",
      xs,
      [
        series((r) => r.report.generated_wh, "PV generated"),
        series((r) => r.report.compute_wh, "Compute"),
        series((r) => r.green_compute_wh, "Green compute"),
        series((r) => r.report.imported_wh, "Grid import"),
        series((r) => r.report.charged_wh - r.report.discharged_wh, "Battery net charge"),
      ],
      `${reports.length} accepted reports; the latest has ${reports.length ? wh(reports[reports.length - 1].report.generated_wh) : "no"} of PV.`,
    ),
    table(
      "Accepted telemetry reports (signed by the device key)",
      [
        { title: "From", cell: (r) => time(r.report.start) },
        { title: "PV", cell: (r) => wh(r.report.generated_wh), numeric: true },
        { title: "Compute", cell: (r) => wh(r.report.compute_wh), numeric: true },
        { title: "Green compute", cell: (r) => wh(r.green_compute_wh), numeric: true },
        { title: "Green share", cell: (r) => bps(r.green_share_bps), numeric: true },
        { title: "Grid import", cell: (r) => wh(r.report.imported_wh), numeric: true },
        { title: "Battery", cell: (r) => `${(r.report.soc_permille / 10).toFixed(1)} %`, numeric: true },
        { title: "GPU time", cell: (r) => `${(r.report.gpu_seconds / 3600).toFixed(2)} GPU-h`, numeric: true },
        { title: "Block", cell: (r) => link(`#/block/${r.accepted_at}`, int(r.accepted_at)) },
        { title: "Hash", cell: (r) => h("code", {}, short(r.hash)) },
      ],
      [...reports].reverse(),
    ),
    table(
      `Reports in failed transactions (rolled back in their block; from the owner's last ${REPORT_SCAN} transactions)`,
      [
        { title: "From", cell: (r) => time(r.start) },
        { title: "Why the transaction failed", cell: (r) => outcome(r.tx.record) },
        { title: "Accepted since", cell: (r) => (accepted.has(r.start) ? "yes, sent again" : "no") },
        { title: "Block", cell: (r) => link(`#/block/${r.tx.record.height}`, int(r.tx.record.height)) },
        { title: "Transaction", cell: (r) => link(`#/tx/${r.tx.record.hash}`, h("code", {}, short(r.tx.record.hash))) },
      ],
      refused,
      10,
      "None failed in a block.",
    ),
    table(
      "Pools and positions (pledged GPU-hours; the NFT's holder is paid)",
      [
        { title: "Position NFT", cell: (p) => `#${p.position.serial}` },
        { title: "Pool", cell: (p) => `pool ${p.position.pool}` },
        { title: "Hours", cell: (p) => `${hour(p.position.first_hour)} + ${p.position.hours} h` },
        { title: "Per hour", cell: (p) => `${int(p.position.quantity)} GPU-h`, numeric: true },
        { title: "Sold", cell: (p) => `${int(p.hours.reduce((s, x) => s + x.sold, 0))} GPU-h`, numeric: true },
        { title: "Unsold", cell: (p) => `${int(p.hours.reduce((s, x) => s + x.unsold, 0))} GPU-h`, numeric: true },
        { title: "Holder", cell: (p) => link(`#/account/${p.owner}`, short(p.owner, 12)) },
      ],
      positions,
      10,
      "No live position: the device has pledged no future hours.",
    ),
    table(
      "Hourly energy certificates (one id per Wh)",
      [
        { title: "Ids", cell: (c) => link(`#/certificate/${c.first}`, `${int(c.first)}–${int(c.last)}`) },
        { title: "Hour", cell: (c) => time(c.start) },
        { title: "Source", cell: (c) => c.source },
        { title: "Energy", cell: (c) => wh(c.last - c.first + 1), numeric: true },
        { title: "Owner", cell: (c) => link(`#/account/${c.owner}`, short(c.owner, 12)) },
        { title: "Status", cell: (c) => variant(c.status) },
      ],
      [...certs].reverse(),
    ),
  );
}
