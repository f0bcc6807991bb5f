// The devnet wallet page: a browser-held key, the faucet, and the three things
// a newcomer does first: buy a GPU-hour, post a job with an example workload,
// and claim a certificate for a beneficiary. Every action is a transaction
// signed here and committed before the page says it succeeded.

import { call, callAll, RpcError } from "../rpc";
import { gusd, h, hour, int, link, short, table, time, wadPrice, wh } from "../ui";
import { createWallet, forgetWallet, loadWallet, send, type Committed } from "../wallet";
import { balancesTable, coin } from "./account";
import type { Pool } from "./market";

interface Example {
  name: string;
  kind: string;
  module: string;
  uploaded: boolean;
  wasm: string;
  demo_input: string;
}

interface Bundle {
  first: number;
  last: number;
  start: number;
  end: number;
  cell: string;
  device: number;
  source: string;
}

interface Claim {
  receipt: number;
  beneficiary: string;
  wh: number;
  claimed_at: number;
  ranges: [number, number][];
}

/** The outcome line of the latest action, kept across redraws. */
let outcome: HTMLElement | null = null;

function say(kind: "pending" | "ok" | "error", ...content: (Node | string)[]) {
  outcome = h("div", { class: kind === "error" ? "error" : "notice", role: kind === "error" ? "alert" : "status", "data-outcome": kind }, ...content);
  document.getElementById("wallet-outcome")?.replaceChildren(outcome);
}

function committedLine(what: string, r: Committed): (Node | string)[] {
  const height = r.committed?.height;
  return [
    h("strong", {}, `${what}: committed`),
    height ? [" in block ", link(`#/block/${height}`, int(height))] : "",
    " · transaction ",
    h("code", { "data-tx": r.hash }, short(r.hash, 16)),
  ].flat() as (Node | string)[];
}

/** Runs one wallet action: its button is disabled while it runs, and the outcome is shown. */
async function act(button: HTMLButtonElement, what: string, run: () => Promise<(Node | string)[]>, redraw: () => void) {
  button.disabled = true;
  say("pending", `${what}: signing and waiting for the block…`);
  try {
    say("ok", ...(await run()));
    redraw();
  } catch (e) {
    const message = e instanceof RpcError || e instanceof Error ? e.message : String(e);
    say("error", h("strong", {}, `${what} failed: `), message);
  } finally {
    button.disabled = false;
  }
}

/** An attribute of the first `kind` event a committed transaction emitted. */
function eventAttribute(r: Committed, kind: string, key: string): string | undefined {
  return r.committed?.events.find((e) => e.kind === kind)?.attributes.find(([k]) => k === key)?.[1];
}

/**
 * A wallet action's form: its fields, a submit button (`id`), and on submit
 * the action run through [`act`].
 */
function actionForm(
  label: string,
  what: string,
  button: { id: string; text: string; disabled: boolean },
  fields: (Node | string)[],
  run: () => Promise<(Node | string)[]>,
  redraw: () => void,
): HTMLElement {
  const submit = h("button", { type: "submit", id: button.id, disabled: button.disabled }, button.text) as HTMLButtonElement;
  const form = h("form", { class: "action", "aria-label": label }, ...fields, submit);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void act(submit, what, run, redraw);
  });
  return form;
}

const bytes = (hex: string) => Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));

export async function wallet(): Promise<HTMLElement> {
  const redraw = () => window.dispatchEvent(new HashChangeEvent("hashchange"));
  const banner = h(
    "p",
    { class: "warning", role: "note" },
    h("strong", {}, "Devnet only. "),
    "This key is kept unencrypted in this browser's storage: anyone using this browser can spend from it. Never send it anything of value.",
  );
  const w = loadWallet();
  if (!w) {
    const create = h("button", { type: "button", id: "wallet-create", onclick: () => (createWallet(), redraw()) }, "Create a devnet key");
    return h("div", { class: "grid" }, h("section", { class: "card", "aria-label": "Wallet" }, h("h2", {}, "Wallet"), banner, h("p", {}, "No key in this browser yet."), create));
  }
  const [account, status, pools, examples, bundles, claims] = await Promise.all([
    call<{ nonce: number; balances: { denom: string; amount: string }[] }>("account", { address: w.address }),
    call<{ latest_block_time: number }>("status"),
    callAll<Pool>("market_pools", {}, (p) => p.slot),
    call<Example[]>("workload_examples"),
    call<{ items: Bundle[] }>("certificates", { owner: w.address, status: "active" }).then((page) => page.items),
    call<Claim[]>("claims", { claimant: w.address }),
  ]);
  const now = status.latest_block_time;
  const nowHour = Math.floor(now / 3600);
  const holds = (denom: string) => BigInt(account.balances.find((b) => b.denom === denom)?.amount ?? "0");

  const faucet = h("button", { type: "button", id: "wallet-faucet" }, "Ask the faucet") as HTMLButtonElement;
  faucet.addEventListener("click", () =>
    act(faucet, "Faucet", async () => {
      const d = await call<{ coins: { denom: string; amount: string }[]; certificate: [number, number] | null; result: Committed }>("faucet", { address: w.address });
      const got = d.coins.map((c) => coin(c.denom, c.amount)).join(", ");
      return [...committedLine("Faucet", d.result), ` · received ${got}${d.certificate ? ` and ${wh(d.certificate[1])} of certificates` : ""}`];
    }, redraw),
  );
  const forget = h("button", { type: "button", class: "secondary", onclick: () => (forgetWallet(), redraw()) }, "Forget this key");

  // Buy: one GPU-hour from the nearest pool still trading with slots in it.
  const open = pools.filter((p) => p.phase === "open" && p.slot.startsWith("slot/home/") && p.hour > nowHour && BigInt(p.x) > 0n && p.quote === "ugusd").sort((a, b) => a.hour - b.hour);
  const slotSelect = h(
    "select",
    { id: "buy-slot", name: "slot" },
    // The furthest hour is chosen first: on a devnet's fast clock the nearest
    // one may close before the transaction lands.
    ...open
      .slice(0, 48)
      .map((p, i, all) => h("option", { value: p.slot, selected: i === all.length - 1 }, `${hour(p.hour)} · ${wadPrice(p.price_wad)} · ${int(p.x)} left`)),
  ) as HTMLSelectElement;
  const buyForm = actionForm(
    "Buy a GPU-hour",
    "Buy",
    { id: "buy-submit", text: "Buy 1 GPU-hour", disabled: open.length === 0 },
    [h("label", { for: "buy-slot" }, "Hour (home class, quoted in gUSD)"), slotSelect],
    async () => {
      const slot = slotSelect.value;
      const quote = await call<{ in: string }>("market_quote", { slot, exact_out: "1" });
      // At most 10 % above the quote: the time-aware price moves as the hour
      // nears, and a devnet block is five minutes of chain time.
      const limit = (BigInt(quote.in) * 110n) / 100n;
      const swap = { market: { swap: { slot, buy_slots: true, exact: { out: "1" }, limit: limit.toString(), deadline: now + 3_600 } } };
      const r = await send(w, [swap], "dashboard: buy a GPU-hour");
      return [...committedLine("Buy", r), ` · 1 GPU-hour of ${slot} for at most ${gusd(limit)}`];
    },
    redraw,
  );

  // Post: a market-priced job of one GPU for one hour, two to four hours ahead.
  const exampleSelect = h(
    "select",
    { id: "job-example", name: "example" },
    ...examples.map((x) => h("option", { value: x.name }, `${x.name} (${x.kind})`)),
  ) as HTMLSelectElement;
  const postForm = actionForm(
    "Post a job",
    "Job",
    { id: "job-submit", text: "Post the job", disabled: examples.length === 0 },
    [
      h("label", { for: "job-example" }, "Example workload (WASM, checked by 3 redundant replicas)"),
      exampleSelect,
      h("p", { class: "muted" }, "1 GPU for 1 hour, starting 2–4 hours from now, at most 8 gUSD per GPU-hour, with a 2 GHR incentive."),
    ],
    async () => {
      const x = examples.find((c) => c.name === exampleSelect.value);
      if (!x) throw new Error("choose an example");
      const actions: unknown[] = x.uploaded ? [] : [{ jobs: { upload_workload: { wasm: bytes(x.wasm) } } }];
      const spec = {
        kind: x.kind,
        class: "home",
        gpus: 1,
        hours: 1,
        earliest_hour: nowHour + 2,
        deadline_hour: nowHour + 4,
        min_green_bps: 0,
        pricing: { market: { quote: "ugusd", max_price_per_gpu_hour: "8000000" } },
        incentive: "2000000",
        workload: { wasm: { module: x.module, input: bytes(x.demo_input), fuel: 50_000_000 } },
        verification: { redundant: { k: 3 } },
        bond: "1000000",
        slash_split_bps: 5_000,
      };
      actions.push({ jobs: { post: { spec } } });
      const r = await send(w, actions, "dashboard: post a job");
      const id = eventAttribute(r, "jobs.open", "job");
      return [...committedLine("Job", r), id ? [" · ", link(`#/job/${id}`, `job #${id}`)] : ""].flat() as (Node | string)[];
    },
    redraw,
  );

  // Claim: retire one of the wallet's bundles for a beneficiary.
  const bundleSelect = h(
    "select",
    { id: "claim-bundle", name: "bundle" },
    ...bundles.map((b) => h("option", { value: String(b.first) }, `${int(b.first)}–${int(b.last)} · ${wh(b.last - b.first + 1)} ${b.source} · ${time(b.start)}`)),
  ) as HTMLSelectElement;
  const beneficiary = h("input", { id: "claim-beneficiary", name: "beneficiary", required: true, maxlength: 128, value: "" }) as HTMLInputElement;
  const purpose = h("input", { id: "claim-purpose", name: "purpose", maxlength: 128, value: "GPU compute" }) as HTMLInputElement;
  const claimForm = actionForm(
    "Claim a certificate",
    "Claim",
    { id: "claim-submit", text: "Claim for the beneficiary", disabled: bundles.length === 0 },
    [
      h("label", { for: "claim-bundle" }, "Certificate bundle you hold"),
      bundleSelect,
      h("label", { for: "claim-beneficiary" }, "Beneficiary (a name or an address)"),
      beneficiary,
      h("label", { for: "claim-purpose" }, "Purpose"),
      purpose,
    ],
    async () => {
      const b = bundles.find((x) => String(x.first) === bundleSelect.value);
      if (!b) throw new Error("choose a bundle");
      const terms = { beneficiary: beneficiary.value.trim(), purpose: purpose.value.trim(), location: b.cell, period_start: b.start, period_end: b.end };
      const r = await send(w, [{ carbon: { claim: { bundles: [b.first], wh: null, terms } } }], "dashboard: claim a certificate");
      const receipt = eventAttribute(r, "carbon.claimed", "receipt");
      return [...committedLine("Claim", r), ` · ${wh(b.last - b.first + 1)} retired for ${terms.beneficiary}${receipt ? `, receipt NFT #${receipt}` : ""}`];
    },
    redraw,
  );

  const empty = holds("ughr") === 0n;
  return h(
    "div",
    { class: "grid" },
    h(
      "section",
      { class: "card", "aria-label": "Wallet" },
      h("h2", {}, "Wallet"),
      banner,
      h("dl", {}, h("dt", {}, "Address"), h("dd", {}, link(`#/account/${w.address}`, h("code", { id: "wallet-address" }, w.address))), h("dt", {}, "Transactions sent"), h("dd", {}, int(account.nonce))),
      h("div", { class: "buttons" }, faucet, forget),
      empty ? h("p", { class: "muted" }, "Empty: ask the faucet for 1,000 GHR, 1,000 gUSD and a slice of a certificate.") : null,
      h("div", { id: "wallet-outcome", "aria-live": "polite" }, outcome),
    ),
    balancesTable("Wallet balances", account.balances),
    h("section", { class: "card", "aria-label": "Buy a GPU-hour card" }, h("h2", {}, "Buy a GPU-hour"), open.length ? buyForm : h("p", { class: "muted" }, "No home-class pool is trading with slots right now.")),
    h("section", { class: "card", "aria-label": "Post a job card" }, h("h2", {}, "Post a job"), postForm),
    h(
      "section",
      { class: "card", "aria-label": "Claim a certificate card" },
      h("h2", {}, "Claim a certificate"),
      bundles.length ? claimForm : h("p", { class: "muted" }, "You hold no active certificate bundle; the faucet hands out slices of the fleet's."),
    ),
    table(
      "Your claims",
      [
        { title: "Receipt", cell: (c) => `NFT #${c.receipt}` },
        { title: "Beneficiary", cell: (c) => c.beneficiary },
        { title: "Energy", cell: (c) => wh(c.wh), numeric: true },
        { title: "Claimed", cell: (c) => time(c.claimed_at) },
        { title: "Audit", cell: (c) => (c.ranges.length ? link(`#/audit/${c.ranges[0][0]}`, `certificates ${int(c.ranges[0][0])}…`) : "—") },
      ],
      [...claims].reverse(),
      10,
      "No claim yet.",
    ),
  );
}
