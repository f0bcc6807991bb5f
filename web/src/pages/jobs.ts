// Jobs: open, running and settled jobs, the verification outcome of each
// replica, and the SCI report with location- and market-based figures side by side.

import { call } from "../rpc";
import { bps, facts, ghr, gusd, h, hour, int, link, short, table, time, wh } from "../ui";

interface Replica {
  device: number;
  operator: string;
  position: number | null;
  green_bps: number;
  outcome: string;
  bond: string;
  output_hash: string | null;
}

export interface Job {
  id: number;
  buyer: string;
  status: string;
  posted_at: number;
  start_hour: number | null;
  closed_at: number | null;
  replicas: Replica[];
  result: string | null;
  spec: {
    kind: string;
    class: string;
    gpus: number;
    hours: number;
    earliest_hour: number;
    deadline_hour: number;
    min_green_bps: number;
    incentive: string;
    bond: string;
    verification: Record<string, unknown> | string;
    pricing: Record<string, { quote?: string; max_price_per_gpu_hour?: string }> | string;
  };
  ledger: Record<string, string>;
}

interface Sci {
  gpu_hours: number;
  energy_wh: number;
  green_wh: number;
  certificates: [number, number][];
  receipt: number | null;
  energy_source: string;
  grid_g_per_kwh: number | null;
  embodied_mg: number;
  location_based_mg: number | null;
  market_based_mg: number | null;
  location_mg_per_gpu_hour: number | null;
  attested_only: boolean;
}

const verification = (j: Job) => (typeof j.spec.verification === "string" ? j.spec.verification : Object.keys(j.spec.verification)[0]);
const grams = (mg: number | null) => (mg === null ? "— (grid intensity unavailable)" : `${(mg / 1000).toFixed(1)} g CO₂e`);

export async function jobs(): Promise<HTMLElement> {
  const all = await call<Job[]>("jobs");
  all.sort((a, b) => b.id - a.id);
  const by = (s: string) => all.filter((j) => j.status === s).length;
  const running = all.filter((j) => ["matched", "running", "verifying"].includes(j.status));
  return h(
    "div",
    { class: "grid" },
    facts("Jobs", [
      ["Open", int(by("open"))],
      ["Matched · running · verifying", `${by("matched")} · ${by("running")} · ${by("verifying")}`],
      ["Settled", int(by("settled"))],
      ["Failed · expired · cancelled", `${by("failed")} · ${by("expired")} · ${by("cancelled")}`],
    ]),
    table("In progress", columns(), running, 15, "No job is matched or running."),
    table("All jobs, newest first", columns(), all, 25),
  );
}

function columns() {
  return [
    { title: "Job", cell: (j: Job) => link(`#/job/${j.id}`, `#${j.id}`) },
    { title: "Status", cell: (j: Job) => j.status },
    { title: "Kind", cell: (j: Job) => j.spec.kind },
    { title: "Verification", cell: (j: Job) => verification(j) },
    { title: "GPU-h", cell: (j: Job) => int(j.spec.gpus * j.spec.hours), numeric: true },
    { title: "Runs", cell: (j: Job) => (j.start_hour === null ? `by ${hour(j.spec.deadline_hour)}` : hour(j.start_hour)) },
    { title: "Green floor", cell: (j: Job) => bps(j.spec.min_green_bps), numeric: true },
    { title: "Incentive", cell: (j: Job) => ghr(j.spec.incentive), numeric: true },
    { title: "Buyer", cell: (j: Job) => link(`#/account/${j.buyer}`, short(j.buyer, 12)) },
  ];
}

export async function job(id: string): Promise<HTMLElement> {
  const j = await call<Job & { report: Sci | null; outputs: (string | null)[] }>("job", { id: Number(id) });
  const r = j.report;
  const pricing = typeof j.spec.pricing === "string" ? j.spec.pricing : Object.keys(j.spec.pricing)[0];
  return h(
    "div",
    { class: "grid" },
    facts(`Job #${j.id}`, [
      ["Status", j.status],
      ["Buyer", link(`#/account/${j.buyer}`, j.buyer)],
      ["Work", `${j.spec.kind}: ${j.spec.gpus} GPU × ${j.spec.hours} h of ${j.spec.class}, ${verification(j)} verification`],
      ["Window", `${hour(j.spec.earliest_hour)} → ${hour(j.spec.deadline_hour)}`],
      ["Started", j.start_hour === null ? "not matched" : hour(j.start_hour)],
      ["Green floor", bps(j.spec.min_green_bps)],
      ["Pricing", pricing],
      ["Incentive · bond", `${ghr(j.spec.incentive)} · ${ghr(j.spec.bond)}`],
      ["Posted · closed", `${time(j.posted_at)} · ${time(j.closed_at)}`],
      ["Accepted result", j.result ? h("code", {}, short(j.result, 16)) : "—"],
    ]),
    table(
      "Replicas and their verification outcome",
      [
        { title: "Device", cell: (x) => link(`#/device/${x.device}`, `#${x.device}`) },
        { title: "Operator", cell: (x) => link(`#/account/${x.operator}`, short(x.operator, 12)) },
        { title: "Green share at matching", cell: (x) => bps(x.green_bps), numeric: true },
        { title: "Outcome", cell: (x) => x.outcome },
        { title: "Output", cell: (x) => (x.output_hash ? h("code", {}, short(x.output_hash)) : "—") },
        { title: "Paid to position", cell: (x) => (x.position === null ? "operator" : `#${x.position}`) },
      ],
      j.replicas,
    ),
    r === null
      ? h("section", { class: "card" }, h("h2", {}, "SCI report"), h("p", { class: "muted" }, "Written when the job settles."))
      : h(
          "section",
          { class: "card", "aria-label": "Software Carbon Intensity report" },
          h("h2", {}, "Software Carbon Intensity (GSF SCI)"),
          h(
            "table",
            {},
            h("caption", { class: "visually-hidden" }, "Location- and market-based SCI side by side"),
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""), h("th", { scope: "col", class: "num" }, "Location-based"), h("th", { scope: "col", class: "num" }, "Market-based"))),
            h(
              "tbody",
              {},
              h("tr", {}, h("th", { scope: "row" }, "Energy counted"), h("td", { class: "num" }, wh(r.energy_wh)), h("td", { class: "num" }, wh(r.energy_wh - r.green_wh))),
              h("tr", {}, h("th", { scope: "row" }, "Emissions (E·I + M)"), h("td", { class: "num" }, grams(r.location_based_mg)), h("td", { class: "num" }, grams(r.market_based_mg))),
              h(
                "tr",
                {},
                h("th", { scope: "row" }, "Per GPU-hour delivered"),
                h("td", { class: "num" }, grams(r.location_mg_per_gpu_hour)),
                h("td", { class: "num" }, r.market_based_mg === null || r.gpu_hours === 0 ? "—" : grams(Math.floor(r.market_based_mg / r.gpu_hours))),
              ),
            ),
          ),
          h(
            "dl",
            {},
            h("dt", {}, "GPU-hours delivered"),
            h("dd", {}, int(r.gpu_hours, "GPU-h")),
            h("dt", {}, "Own green energy behind the meter"),
            h("dd", {}, `${wh(r.green_wh)} (${r.energy_wh ? bps(Math.floor((r.green_wh * 10_000) / r.energy_wh)) : "—"})`),
            h("dt", {}, "Grid intensity I"),
            h("dd", {}, r.grid_g_per_kwh === null ? "—" : `${r.grid_g_per_kwh} g CO₂e/kWh`),
            h("dt", {}, "Embodied M"),
            h("dd", {}, grams(r.embodied_mg)),
            h("dt", {}, "Energy source"),
            h("dd", {}, r.energy_source),
            h("dt", {}, "Certificates claimed"),
            h(
              "dd",
              {},
              r.certificates.length === 0
                ? "none"
                : r.certificates.map(([a, b], i) => [i ? ", " : "", link(`#/certificate/${a}`, `${int(a)}–${int(b)}`)]).flat(),
            ),
            h("dt", {}, "Checked by"),
            h("dd", {}, r.attested_only ? "the device's meter readings only (attested)" : "re-execution by others"),
          ),
        ),
    facts(
      "Escrow ledger",
      Object.entries(j.ledger).map(([k, v]) => [k.replaceAll("_", " "), k.startsWith("quote") ? gusd(v) : ghr(v)] as [string, string]),
    ),
  );
}
