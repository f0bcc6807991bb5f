// Finance: the gUSD reserve, lending markets, RWA packages with their tranches
// and NAV, funds, governance proposals, the cover pool and the derivatives
// series, each read from its module's public queries.

import { call } from "../rpc";
import { amount, bps, facts, ghr, gusd, h, hour, int, link, short, table, time } from "../ui";

type Amount = string;

interface Reserve {
  supply: Amount;
  collateral_value: Amount;
  collateral_ratio_bps: number | null;
  direct_minted: Amount;
  green_compute_bps: number;
  redemption_fee_bps: number;
  stability_pool: { gusd: Amount };
  branches: { denom: string; collateral: Amount; debt: Amount; mcr_bps: number; ratio_bps: number | null; vaults: number; price_wad: Amount | null }[];
}

interface LendingMarket {
  market: { id: number; loan: string; collateral: Record<string, { class?: string; denom?: string }>; lltv_wad: Amount };
  totals: { supply_assets: Amount; borrow_assets: Amount };
  utilisation_wad: Amount;
  borrow_apr_bps: number;
  supply_apr_bps: number;
}

interface Package {
  package: { id: number; name: string; issuer: string; jurisdiction: string; class: string; maturity: number; assets: number[] };
  nav: Amount | null;
  value_error: string | null;
  epoch_closes_at: number;
  tranches: {
    index: number;
    terms: { name: string; coupon_bps: number; min_subordination_bps: number };
    tranche: { units: Amount; principal: Amount; coupon_owed: Amount };
    value: Amount | null;
    price_wad: Amount | null;
    subordination_bps: number | null;
  }[];
}

interface Fund {
  fund: { id: number; name: string; manager: string; mandate: string; management_fee_bps: number; performance_fee_bps: number };
  book: { shares: Amount; queued_shares: Amount };
  idle: Amount;
  carbon: Amount;
  approved: [number, number][];
  total_assets: Amount | null;
  price_per_share_wad: Amount | null;
  holdings: unknown[];
}

interface Proposal {
  id: number;
  title: string;
  status: string;
  proposer: string;
  submit_time: number;
  voting_end: number | null;
  total_deposit: Amount;
  expedited: boolean;
}

interface CoverPool {
  pool: { capital: Amount; locked: Amount; premiums: Amount; payouts: Amount; covers_sold: number; events_paid: number; ghr_received: Amount };
  utilisation_bps: Amount;
  capacity_left: Amount;
}

interface SeriesView {
  name: string;
  trading: boolean;
  series: { id: number; mark: Amount | null; open_interest: Amount; volume: Amount; funding_rate: Amount; settlement: Amount | null; stale: boolean; last_price: Amount | null };
}

/** A package's tranches, senior first; `linked` adds a link to the package's own page. */
function trancheTable(caption: string, p: Package, linked = true): HTMLElement {
  const card = table(
    caption,
    [
      { title: "Tranche", cell: (t) => `${t.index}: ${t.terms.name}` },
      { title: "Coupon", cell: (t) => bps(t.terms.coupon_bps), numeric: true },
      { title: "Units", cell: (t) => int(t.tranche.units), numeric: true },
      { title: "Principal", cell: (t) => gusd(t.tranche.principal), numeric: true },
      { title: "Value", cell: (t) => gusd(t.value), numeric: true },
      { title: "Price", cell: (t) => wadUnits(t.price_wad), numeric: true },
      { title: "Subordination", cell: (t) => (t.subordination_bps === null ? "—" : `${bps(t.subordination_bps)} (min ${bps(t.terms.min_subordination_bps)})`), numeric: true },
    ],
    p.tranches,
  );
  if (linked) card.append(h("p", {}, link(`#/package/${p.package.id}`, `Package #${p.package.id}: its assets, realised yields and cash flows`)));
  return card;
}

interface PackageReport {
  tranches: { index: number; name: string; target_bps: number; realised_bps: number | null; return_since_inception_bps: number | null; coupons_paid: Amount; principal_repaid: Amount; principal_outstanding: Amount }[];
  assets: { serial: number; device: number; pool: number; pledged_units: number; past_units: number; sold_units: number; utilisation_bps: number; future_units: number; uptime_bps: number; green_bps: number; value: Amount | null }[];
  flows: { hour: number; received: Amount; fee: Amount; to_reserve: Amount }[];
  epochs: { epoch: number; closed_at: number; nav: Amount; reserve: Amount }[];
}

/** One RWA package: its terms and NAV, each tranche's realised yield against its target, its devices' work and its cash flows. */
export async function packagePage(id: string): Promise<HTMLElement> {
  const [p, report] = await Promise.all([call<Package>("rwa_package", { id: Number(id) }), call<PackageReport>("rwa_report", { id: Number(id) })]);
  const signedBps = (v: number | null) => (v === null ? "—" : v < 0 ? `−${bps(-v)}` : bps(v));
  return h(
    "div",
    { class: "grid" },
    facts(`RWA package #${p.package.id}: ${p.package.name}`, [
      ["Issuer", link(`#/account/${p.package.issuer}`, p.package.issuer)],
      ["Jurisdiction", p.package.jurisdiction],
      ["GPU class", p.package.class],
      ["Maturity", time(p.package.maturity)],
      ["NAV", p.nav === null ? `unavailable: ${p.value_error ?? ""}` : gusd(p.nav)],
      ["Assets", `${int(p.package.assets.length)} position NFTs`],
      ["Epoch closes", time(p.epoch_closes_at)],
    ]),
    trancheTable("Tranches (senior first)", p, false),
    table(
      "Realised yield against target",
      [
        { title: "Tranche", cell: (t) => `${t.index}: ${t.name}` },
        { title: "Target", cell: (t) => bps(t.target_bps), numeric: true },
        { title: "Realised", cell: (t) => (t.realised_bps === null ? "—" : bps(t.realised_bps)), numeric: true },
        { title: "Return since inception", cell: (t) => signedBps(t.return_since_inception_bps), numeric: true },
        { title: "Coupons paid", cell: (t) => gusd(t.coupons_paid), numeric: true },
        { title: "Principal repaid", cell: (t) => gusd(t.principal_repaid), numeric: true },
        { title: "Outstanding", cell: (t) => gusd(t.principal_outstanding), numeric: true },
      ],
      report.tranches,
    ),
    table(
      "Assets (position NFTs) and their devices' work",
      [
        { title: "NFT", cell: (a) => `#${a.serial}` },
        { title: "Device", cell: (a) => link(`#/device/${a.device}`, `#${a.device}`) },
        { title: "Pledged", cell: (a) => int(a.pledged_units, "GPU-h"), numeric: true },
        { title: "Sold of past", cell: (a) => `${int(a.sold_units)} of ${int(a.past_units)} GPU-h (${bps(a.utilisation_bps)})`, numeric: true },
        { title: "Future unsold", cell: (a) => int(a.future_units, "GPU-h"), numeric: true },
        { title: "Uptime", cell: (a) => bps(a.uptime_bps), numeric: true },
        { title: "Green share", cell: (a) => bps(a.green_bps), numeric: true },
        { title: "Value", cell: (a) => gusd(a.value), numeric: true },
      ],
      report.assets,
    ),
    table(
      "Hourly cash flows (newest first)",
      [
        { title: "Hour", cell: (f) => hour(f.hour) },
        { title: "Received", cell: (f) => gusd(f.received), numeric: true },
        { title: "Fee", cell: (f) => gusd(f.fee), numeric: true },
        { title: "To reserve", cell: (f) => gusd(f.to_reserve), numeric: true },
      ],
      [...report.flows].reverse(),
      24,
      "No income yet.",
    ),
    table(
      "Closed epochs",
      [
        { title: "Epoch", cell: (e) => int(e.epoch), numeric: true },
        { title: "Closed", cell: (e) => time(e.closed_at) },
        { title: "NAV", cell: (e) => gusd(e.nav), numeric: true },
        { title: "Reserve", cell: (e) => gusd(e.reserve), numeric: true },
      ],
      [...report.epochs].reverse(),
      25,
      "No epoch closed yet.",
    ),
  );
}

/** A tranche unit's price (ugusd × 10¹⁸ per unit; a unit is one ugusd at par) as a multiple of par. */
const wadUnits = (wad: Amount | null) => (wad === null ? "—" : amount(BigInt(wad) / 10n ** 14n, "× par", 4, 4));

export async function finance(): Promise<HTMLElement> {
  const [reserve, markets, packages, funds, proposals, cover, series] = await Promise.all([
    call<Reserve>("stable_reserve"),
    call<LendingMarket[]>("lending_markets"),
    call<Package[]>("rwa_packages"),
    call<Fund[]>("funds"),
    call<Proposal[]>("governance_proposals"),
    call<CoverPool>("cover_pool"),
    call<SeriesView[]>("derivatives_series_list"),
  ]);
  const collateral = (m: LendingMarket) => {
    const [kind, v] = Object.entries(m.market.collateral)[0] ?? ["?", {}];
    return `${kind}${v.class ? " " + v.class : ""}${v.denom ? " " + v.denom : ""}`;
  };
  return h(
    "div",
    { class: "grid" },
    facts("gUSD reserve", [
      ["Supply", gusd(reserve.supply)],
      ["Collateral value", gusd(reserve.collateral_value)],
      ["Collateral ratio", reserve.collateral_ratio_bps === null ? "—" : bps(reserve.collateral_ratio_bps)],
      ["Minted into lending (direct deposit)", gusd(reserve.direct_minted)],
      ["Backed by green compute", bps(reserve.green_compute_bps)],
      ["Stability pool", gusd(reserve.stability_pool.gusd)],
      ["Redemption fee", bps(reserve.redemption_fee_bps)],
    ]),
    table(
      "gUSD vault branches",
      [
        { title: "Collateral", cell: (b) => b.denom },
        { title: "Locked", cell: (b) => int(b.collateral, b.denom), numeric: true },
        { title: "Debt", cell: (b) => gusd(b.debt), numeric: true },
        { title: "Ratio", cell: (b) => (b.ratio_bps === null ? "—" : bps(b.ratio_bps)), numeric: true },
        { title: "Minimum", cell: (b) => bps(b.mcr_bps), numeric: true },
        { title: "Vaults", cell: (b) => int(b.vaults), numeric: true },
      ],
      reserve.branches,
    ),
    table(
      "Lending markets (Morpho-style, isolated)",
      [
        { title: "Market", cell: (m) => `#${m.market.id}` },
        { title: "Lends", cell: (m) => m.market.loan },
        { title: "Against", cell: collateral },
        { title: "LLTV", cell: (m) => bps(Number(BigInt(m.market.lltv_wad) / 10n ** 14n)), numeric: true },
        { title: "Supplied", cell: (m) => gusd(m.totals.supply_assets), numeric: true },
        { title: "Borrowed", cell: (m) => gusd(m.totals.borrow_assets), numeric: true },
        { title: "Borrow APR", cell: (m) => bps(m.borrow_apr_bps), numeric: true },
        { title: "Supply APR", cell: (m) => bps(m.supply_apr_bps), numeric: true },
      ],
      markets,
    ),
    ...packages.map((p) =>
      trancheTable(
        `RWA package #${p.package.id}: ${p.package.name} (${p.package.jurisdiction}) — NAV ${p.nav === null ? "unavailable: " + (p.value_error ?? "") : gusd(p.nav)}, ${p.package.assets.length} position NFTs, epoch closes ${time(p.epoch_closes_at)}`,
        p,
      ),
    ),
    packages.length ? null : h("section", { class: "card" }, h("h2", {}, "RWA packages"), h("p", { class: "muted" }, "No package issued yet.")),
    table(
      "Funds",
      [
        { title: "Fund", cell: (f) => `#${f.fund.id} ${f.fund.name}` },
        { title: "Manager", cell: (f) => link(`#/account/${f.fund.manager}`, short(f.fund.manager, 12)) },
        {
          title: "Mandate",
          cell: (f) =>
            f.fund.mandate === "governed"
              ? `governed: ${f.approved.length ? f.approved.map(([p, t]) => `${p}.${t}`).join(", ") : "nothing approved yet"}`
              : f.fund.mandate.replace("_", " "),
        },
        { title: "Assets", cell: (f) => gusd(f.total_assets), numeric: true },
        { title: "Cash", cell: (f) => gusd(f.idle), numeric: true },
        { title: "Carbon coin", cell: (f) => (BigInt(f.carbon) === 0n ? "—" : `${int(f.carbon)} gCO2e`), numeric: true },
        { title: "Share price", cell: (f) => (f.price_per_share_wad === null ? "—" : `${(Number(BigInt(f.price_per_share_wad) / 10n ** 6n) / 1e6).toFixed(6)} × par`), numeric: true },
        { title: "Queued shares", cell: (f) => int(f.book.queued_shares), numeric: true },
        { title: "Fees", cell: (f) => `${bps(f.fund.management_fee_bps)} / ${bps(f.fund.performance_fee_bps)}` },
      ],
      funds,
    ),
    table(
      "Governance proposals",
      [
        { title: "#", cell: (p) => int(p.id), numeric: true },
        { title: "Title", cell: (p) => p.title },
        { title: "Status", cell: (p) => p.status.replaceAll("_", " ") },
        { title: "Deposit", cell: (p) => ghr(p.total_deposit, 0), numeric: true },
        { title: "Voting ends", cell: (p) => time(p.voting_end) },
        { title: "Proposer", cell: (p) => link(`#/account/${p.proposer}`, short(p.proposer, 12)) },
      ],
      [...proposals].reverse(),
    ),
    facts("Cover pool (parametric insurance)", [
      ["Capital", gusd(cover.pool.capital)],
      ["Cover outstanding", `${gusd(cover.pool.locked)} (${bps(cover.utilisation_bps)} of capital)`],
      ["Can still sell", gusd(cover.capacity_left)],
      ["Premiums · payouts", `${gusd(cover.pool.premiums)} · ${gusd(cover.pool.payouts)}`],
      ["Covers sold · events paid", `${int(cover.pool.covers_sold)} · ${int(cover.pool.events_paid)}`],
      ["Slashed GHR shared with stakers", ghr(cover.pool.ghr_received)],
    ]),
    table(
      "Derivatives series",
      [
        { title: "Series", cell: (s) => `#${s.series.id} ${s.name}` },
        { title: "State", cell: (s) => (s.series.settlement !== null ? "settled" : s.trading ? (s.series.stale ? "stale index" : "trading") : "awaiting settlement") },
        { title: "Mark", cell: (s) => gusd(s.series.mark, 3), numeric: true },
        { title: "Final", cell: (s) => (s.series.settlement === null ? "—" : gusd(s.series.settlement, 3)), numeric: true },
        { title: "Open interest", cell: (s) => int(s.series.open_interest, "contracts"), numeric: true },
        { title: "Funding (last hour)", cell: (s) => `${int(s.series.funding_rate)} ugusd`, numeric: true },
        { title: "Volume", cell: (s) => int(s.series.volume, "contracts"), numeric: true },
      ],
      // Live series first, newest first within each group.
      [...series].sort((a, b) => Number(a.series.settlement !== null) - Number(b.series.settlement !== null) || b.series.id - a.series.id),
    ),
  );
}
