// Market: per class, the slot price over the next 48 hours (the time decay of
// the AMM visible as the hour nears), the pools' depth, the latest fills, and
// the Green Compute Index with its green-weighted line.

import { lineChart } from "../chart";
import { call, callAll, type NoticeEvent } from "../rpc";
import { bps, facts, gusd, h, hour, int, table, time, wadPrice, wadToNumber } from "../ui";

export interface Pool {
  slot: string;
  hour: number;
  phase: string;
  price_wad: string;
  x: string;
  y: string;
  quote: string;
  closes_in: number;
  fee_ppm: number;
  half_life: number;
}

interface IndexValue {
  class: string;
  quote: string;
  price_wad: string | null;
  green_price_wad: string | null;
  green_share_bps: number;
  fills: number;
  slots: string;
  quote_volume: string;
  window_hours: number;
  last_fill: number | null;
}

/** One hour of a class's index, from the chain's hour buckets (`index_history`). */
interface IndexHour {
  hour: number;
  price_wad: string | null;
  green_price_wad: string | null;
  green_share_bps: number;
  slots: string;
  fills: number;
}
/** The latest market events seen on the block feed. */
const fills: { time: number; e: NoticeEvent }[] = [];

/** Fed every block by the app shell: keeps the latest swaps for the fills table. */
export function onMarketEvents(time: number, events: NoticeEvent[]) {
  for (const e of events) if (e.kind === "market.swap" || e.kind === "market.bought_hours") fills.unshift({ time, e });
  fills.splice(200);
}

const attr = (e: NoticeEvent, k: string) => e.attributes.find(([key]) => key === k)?.[1] ?? "";

export async function market(): Promise<HTMLElement> {
  const [pools, index, status] = await Promise.all([
    callAll<Pool>("market_pools", {}, (p) => p.slot),
    call<IndexValue[]>("index"),
    call<{ latest_block_time: number }>("status"),
  ]);
  const now = status.latest_block_time;
  const nowHour = Math.floor(now / 3600);
  // The last 48 hours of each series, hour by hour, as the chain recorded them.
  const histories = await Promise.all(
    index.map((v) => call<IndexHour[]>("index_history", { class: v.class, quote: v.quote }).then((hours) => ({ v, hours }))),
  );
  const indexCharts = histories.map(({ v, hours }) =>
    lineChart(
      `Green Compute Index (${v.class}), hour by hour, last 48 hours`,
      "gUSD/GPU-h",
      hours.map((x) => x.hour * 3600),
      [
        { label: "Hour's price", values: hours.map((x) => wadToNumber(x.price_wad)) },
        { label: "Green-weighted", values: hours.map((x) => wadToNumber(x.green_price_wad)) },
      ],
      hours.length
        ? `${hours.length} hours with fills (${int(hours.reduce((n, x) => n + x.fills, 0))} fills); green share ${bps(hours[hours.length - 1].green_share_bps)} in the latest.`
        : "No fill in the last 48 hours.",
    ),
  );
  const ahead = pools
    .filter((p) => p.hour >= nowHour && p.hour <= nowHour + 48 && p.phase !== "expired")
    .sort((a, b) => a.hour - b.hour);
  const classes = [...new Set(ahead.map((p) => p.slot.split("/")[1]))];
  const curves = classes.map((c) => {
    const ps = ahead.filter((p) => p.slot.split("/")[1] === c && p.price_wad !== "0");
    return lineChart(
      `${c}: slot price by hour, next 48 hours`,
      "gUSD/GPU-h",
      ps.map((p) => p.hour * 3600),
      [{ label: "AMM price", values: ps.map((p) => wadToNumber(p.price_wad)) }],
      ps.length
        ? `${ps.length} hours priced, from ${wadPrice(ps[0].price_wad)} for ${hour(ps[0].hour)} to ${wadPrice(ps[ps.length - 1].price_wad)} for ${hour(ps[ps.length - 1].hour)}.`
        : "No open pool for the next 48 hours.",
    );
  });
  return h(
    "div",
    { class: "grid" },
    ...index.map((v) =>
      facts(`Green Compute Index — ${v.class}`, [
        ["Price", wadPrice(v.price_wad)],
        ["Green-weighted price", wadPrice(v.green_price_wad)],
        ["Green share of volume", bps(v.green_share_bps)],
        ["Window", `${v.window_hours} h: ${int(v.fills)} fills, ${int(v.slots)} GPU-h, ${gusd(v.quote_volume)}`],
        ["Last fill", time(v.last_fill)],
      ]),
    ),
    ...indexCharts,
    ...curves,
    table(
      "Slot pools, next 48 hours (depth)",
      [
        { title: "Hour", cell: (p) => hour(p.hour) },
        { title: "Slot", cell: (p) => p.slot },
        { title: "Phase", cell: (p) => p.phase },
        { title: "Price", cell: (p) => wadPrice(p.price_wad), numeric: true },
        { title: "Slots in pool", cell: (p) => int(p.x, "GPU-h"), numeric: true },
        { title: "Quote in pool", cell: (p) => gusd(p.y), numeric: true },
        { title: "Closes in", cell: (p) => `${Math.round(p.closes_in / 60)} min`, numeric: true },
      ],
      ahead,
    ),
    table(
      "Latest fills (live)",
      [
        { title: "Time", cell: (f) => time(f.time) },
        { title: "Kind", cell: (f) => f.e.kind.replace("market.", "") },
        { title: "Slot", cell: (f) => attr(f.e, "slot") || attr(f.e, "first_slot") },
        { title: "Side", cell: (f) => attr(f.e, "side") || "buy" },
        { title: "GPU-h", cell: (f) => int(attr(f.e, "slots") || attr(f.e, "slots_per_hour") || "0"), numeric: true },
        // A swap's `quote` is the amount; a multi-hour purchase names its quote denom and pays `total`.
        { title: "Paid", cell: (f) => gusd(f.e.kind === "market.swap" ? attr(f.e, "quote") : attr(f.e, "total")), numeric: true },
      ],
      fills,
      15,
      "No fills since this page opened; they appear as blocks arrive.",
    ),
  );
}
