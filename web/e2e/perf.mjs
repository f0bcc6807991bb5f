// How the dashboard's pages hold up on a large devnet (issue 24: 10,000 devices
// and a day of history): for each page, the time from navigation until its data
// is on screen (median of five loads), the DOM size, and the page's JS heap.
//
//   node e2e/perf.mjs http://127.0.0.1:26657
//
// Prints one JSON line. It measures; it asserts nothing, because the figures
// depend on the machine (the README's performance table records them).

import { chromium } from "playwright-core";
import { rpcTo } from "./rpc.mjs";

const [base] = process.argv.slice(2);
if (!base) {
  console.error("usage: node e2e/perf.mjs <node url>");
  process.exit(2);
}

const rpc = rpcTo(base);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-precise-memory-info"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

// The busiest device: the most reports (a day of hourly history).
const status = await rpc("status");
let devices = [];
for (;;) {
  const after = devices.length ? devices[devices.length - 1].id : undefined;
  const next = await rpc("devices", after === undefined ? {} : { after });
  devices = devices.concat(next);
  if (next.length < 1000) break;
}
const busiest = devices.reduce((a, d) => (d.reports > a.reports ? d : a), devices[0]);
const jobs = await rpc("jobs");

const routes = [
  ["network", "#/"],
  ["devices", "#/devices"],
  ["device", `#/device/${busiest.id}`],
  ["market", "#/market"],
  ["jobs", "#/jobs"],
  ["finance", "#/finance"],
];
if (jobs.length) routes.push(["job", `#/job/${jobs[0].id}`]);

const results = { height: status.height, devices: devices.length, busiest_reports: busiest.reports, pages: {} };
for (const [name, hash] of routes) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    // A full load each time: from a blank page, script and data both.
    await page.goto("about:blank");
    const started = Date.now();
    await page.goto(`${base}/${hash}`);
    await page.waitForSelector("main[data-loaded]", { timeout: 120_000, state: "attached" });
    times.push(Date.now() - started);
  }
  times.sort((a, b) => a - b);
  const dom = await page.evaluate(() => document.getElementsByTagName("*").length);
  const heap = await page.evaluate(() => (performance.memory ? Math.round(performance.memory.usedJSHeapSize / 2 ** 20) : null));
  const error = await page.$("main .error");
  results.pages[name] = { median_ms: times[2], max_ms: times[4], dom_nodes: dom, js_heap_mib: heap, error: error ? await error.innerText() : null };
}
await browser.close();
console.log(JSON.stringify(results));
