// The app shell: navigation, the node's live status, the hash router, and the
// block feed that refreshes the page in view.

import "./style.css";
import { account, certificate, searchTarget } from "./pages/account";
import { device, devices } from "./pages/devices";
import { finance, packagePage } from "./pages/finance";
import { job, jobs } from "./pages/jobs";
import { market, onMarketEvents } from "./pages/market";
import { block, network } from "./pages/network";
import { tx } from "./pages/tx";
import { subscribe, type BlockNotice, type Link } from "./rpc";
import { errorBox, h, int, loading, time } from "./ui";

type Render = (...params: string[]) => Promise<HTMLElement>;

interface Route {
  pattern: RegExp;
  title: string;
  render: Render;
  /** Redrawn as blocks arrive (lists and overviews); detail pages stay put. */
  live: boolean;
  nav?: string;
}

const routes: Route[] = [
  { pattern: /^\/?$/, title: "Network", render: network, live: true, nav: "#/" },
  { pattern: /^\/devices$/, title: "Devices", render: devices, live: true, nav: "#/devices" },
  { pattern: /^\/market$/, title: "Market", render: market, live: true, nav: "#/market" },
  { pattern: /^\/jobs$/, title: "Jobs", render: jobs, live: true, nav: "#/jobs" },
  { pattern: /^\/finance$/, title: "Finance", render: finance, live: true, nav: "#/finance" },
  // The wallet and the explorer carry the signature and hash code; they load
  // when first opened, so the other pages' first paint does not parse it.
  { pattern: /^\/wallet$/, title: "Devnet wallet", render: () => import("./pages/wallet").then((m) => m.wallet()), live: false, nav: "#/wallet" },
  { pattern: /^\/audit\/(\d+)$/, title: "Audit a green claim", render: (id) => import("./pages/audit").then((m) => m.audit(id)), live: false },
  { pattern: /^\/block\/(\d+)$/, title: "Block", render: block, live: false },
  { pattern: /^\/tx\/([0-9a-f]{64})$/, title: "Transaction", render: tx, live: false },
  { pattern: /^\/package\/(\d+)$/, title: "RWA package", render: packagePage, live: false },
  { pattern: /^\/device\/(\d+)$/, title: "Device", render: device, live: false },
  { pattern: /^\/job\/(\d+)$/, title: "Job", render: job, live: false },
  { pattern: /^\/certificate\/(\d+)$/, title: "Certificate", render: certificate, live: false },
  { pattern: /^\/account\/(gh1[0-9a-z]{38})$/, title: "Account", render: account, live: false },
];

const main = document.getElementById("main")!;
const statusLine = document.getElementById("node-status")!;
let current: Route | null = null;
let params: string[] = [];
let drawing = false;
let generations = 0;
let navigated = false;
let lastDraw = 0;
let latest: BlockNotice | null = null;
let link: Link = "connecting";

function resolve(): [Route | null, string[]] {
  const path = location.hash.replace(/^#/, "") || "/";
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (m) return [r, m.slice(1)];
  }
  return [null, []];
}

/** Renders the current route; a navigation starts a new generation, so a slow
 * render of the page left behind never lands, and never blocks the new one. */
async function draw(first: boolean) {
  if (!current || (!first && drawing)) return;
  const generation = ++generations;
  drawing = true;
  lastDraw = Date.now();
  const route = current;
  if (first) main.replaceChildren(h("h1", {}, route.title), loading());
  try {
    const page = await route.render(...params);
    if (generation === generations) {
      const y = window.scrollY;
      main.replaceChildren(h("h1", {}, route.title), page);
      if (!first) window.scrollTo(0, y);
      main.setAttribute("data-loaded", "true");
    }
  } catch (e) {
    if (generation === generations) {
      main.replaceChildren(h("h1", {}, route.title), errorBox(e));
      main.setAttribute("data-loaded", "error");
    }
  } finally {
    if (generation === generations) drawing = false;
  }
}

function navigate() {
  [current, params] = resolve();
  main.removeAttribute("data-loaded");
  for (const a of document.querySelectorAll<HTMLAnchorElement>("nav.site a")) {
    const here = current?.nav === a.getAttribute("href");
    if (here) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (!current) {
    main.replaceChildren(h("h1", {}, "Not found"), h("p", {}, `Nothing lives at ${location.hash}.`), h("a", { href: "#/" }, "Back to the network"));
    document.title = "Not found · Greenhour";
    return;
  }
  document.title = `${current.title} · Greenhour`;
  // After a navigation, focus moves to the new content (screen readers announce
  // it); on the first load it stays at the top, where the skip link is.
  if (navigated) main.focus({ preventScroll: true });
  navigated = true;
  void draw(true);
}

function showStatus() {
  const where = latest ? `height ${int(latest.height)} · ${time(latest.time)} · ${latest.tx_count} txs in the last block` : "waiting for the first block";
  const state = { connecting: "connecting to the node…", live: "live", down: "node unreachable, retrying…" }[link];
  statusLine.className = `status ${link}`;
  statusLine.textContent = `${state} · ${where}`;
}

subscribe(
  (n) => {
    latest = n;
    onMarketEvents(n.time, n.events);
    showStatus();
    // Live pages follow the chain, at most every three seconds.
    if (current?.live && Date.now() - lastDraw > 3_000) void draw(false);
  },
  (l) => {
    link = l;
    showStatus();
  },
);

document.getElementById("search")!.addEventListener("submit", (e) => {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  const kind = (form.elements.namedItem("kind") as HTMLSelectElement).value;
  const term = (form.elements.namedItem("q") as HTMLInputElement).value;
  const target = searchTarget(kind, term);
  const hint = document.getElementById("search-hint")!;
  if (target) {
    hint.textContent = "";
    location.hash = target;
  } else {
    hint.textContent = "Give an address (gh1…), a transaction hash (64 hex digits), or a number with its kind.";
  }
});

window.addEventListener("hashchange", navigate);
showStatus();
navigate();
