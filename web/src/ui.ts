// DOM building and number formatting. Every number is shown with its unit;
// amounts arrive as decimal strings (u128 does not fit a JSON number) and are
// formatted with BigInt so nothing is rounded on the way.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** Creates an element; text children are escaped by the DOM, never parsed as HTML. */
export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function link(href: string, text: Child): HTMLElement {
  return h("a", { href }, text);
}

/** A fixed-point amount in base units (`ugusd`, `ughr`: 6 decimals) as a unit figure. */
/** An integer from the API, or null if it is not one (a field missing or renamed). */
function integer(v: string | number | bigint | null | undefined): bigint | null {
  if (v === null || v === undefined || v === "") return null;
  try {
    return BigInt(v);
  } catch {
    return null;
  }
}

export function amount(base: string | number | bigint | null | undefined, unit: string, decimals = 6, digits = 2): string {
  const v = integer(base);
  if (v === null) return "—";
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const frac = abs % scale;
  const fracText = (frac * 10n ** BigInt(digits)) / scale;
  const text = `${whole.toLocaleString("en-US")}${digits > 0 ? "." + fracText.toString().padStart(digits, "0") : ""}`;
  return `${neg ? "−" : ""}${text} ${unit}`;
}

export const gusd = (base: string | number | bigint | null | undefined, digits = 2) => amount(base, "gUSD", 6, digits);
export const ghr = (base: string | number | bigint | null | undefined, digits = 2) => amount(base, "GHR", 6, digits);

/** A WAD price of ugusd per slot (10¹⁸ × ugusd) as gUSD per GPU-hour. */
export function wadPrice(wad: string | null | undefined, digits = 3): string {
  const v = integer(wad);
  if (v === null) return "—";
  // ugusd × 10¹⁸ per GPU-hour: gUSD is 10²⁴ of it.
  return amount(v / 10n ** 15n, "gUSD/GPU-h", 9, digits);
}

/** The same, as a float for charts. */
export function wadToNumber(wad: string | null | undefined): number | null {
  const v = integer(wad);
  if (v === null) return null;
  return Number(v / 10n ** 15n) / 1e9;
}

export function bps(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return "—";
  return `${(Number(v) / 100).toFixed(2)} %`;
}

export function wh(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return "—";
  const n = Number(v);
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} kWh` : `${n.toLocaleString("en-US")} Wh`;
}

export function int(v: number | string | null | undefined, unit = ""): string {
  const n = integer(v);
  if (n === null) return "—";
  return `${n.toLocaleString("en-US")}${unit ? " " + unit : ""}`;
}

/** Unix seconds as a UTC date and time. */
export function time(secs: number | null | undefined): string {
  if (!secs) return "—";
  return new Date(secs * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** A UTC hour index (hours since 1970) as the hour it names. */
export function hour(index: number): string {
  return new Date(index * 3_600_000).toISOString().replace("T", " ").slice(0, 13) + ":00 UTC";
}

export function short(hash: string | null | undefined, n = 10): string {
  if (!hash) return "—";
  return hash.length > n + 2 ? `${hash.slice(0, n)}…` : hash;
}

/** A titled card of label–value pairs. */
export function facts(title: string, rows: [string, Child][]): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-label": title },
    h("h2", {}, title),
    h("dl", {}, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
  );
}

export interface Column<T> {
  title: string;
  cell: (row: T) => Child;
  numeric?: boolean;
}

/**
 * A table of `rows`, paginated client-side (`pageSize` a page) so a list of
 * 10,000 devices renders one page of DOM at a time.
 */
export function table<T>(caption: string, columns: Column<T>[], rows: T[], pageSize = 25, empty = "Nothing yet."): HTMLElement {
  const wrap = h("section", { class: "card table-card", "aria-label": caption });
  wrap.append(h("h2", {}, caption));
  if (rows.length === 0) {
    wrap.append(h("p", { class: "muted" }, empty));
    return wrap;
  }
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  let page = 0;
  const scroller = h("div", { class: "scroll", tabindex: 0, role: "region", "aria-label": `${caption} (scrolls)` });
  const pager = h("nav", { class: "pager", "aria-label": `${caption} pages` });
  const draw = () => {
    const t = h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : "" }, c.title)))),
      h(
        "tbody",
        {},
        ...rows
          .slice(page * pageSize, (page + 1) * pageSize)
          .map((r) => h("tr", {}, ...columns.map((c) => h("td", { class: c.numeric ? "num" : "" }, c.cell(r))))),
      ),
    );
    scroller.replaceChildren(t);
    pager.replaceChildren(
      h("button", { type: "button", disabled: page === 0, onclick: () => ((page -= 1), draw()) }, "‹ Previous"),
      h("span", { "aria-live": "polite" }, `page ${page + 1} of ${pages} · ${rows.length.toLocaleString("en-US")} rows`),
      h("button", { type: "button", disabled: page + 1 >= pages, onclick: () => ((page += 1), draw()) }, "Next ›"),
    );
  };
  draw();
  wrap.append(scroller);
  if (pages > 1) wrap.append(pager);
  return wrap;
}

export function errorBox(e: unknown): HTMLElement {
  const message = e instanceof Error ? e.message : String(e);
  return h("div", { class: "error", role: "alert" }, h("strong", {}, "Could not load: "), message);
}

export function loading(what = "Loading…"): HTMLElement {
  return h("p", { class: "loading", role: "status" }, what);
}

/** A serde enum as text: `"active"`, or `{retired: {receipt: 4}}` as `retired (receipt 4)`. */
export function variant(v: unknown): string {
  if (typeof v === "string") return v.replaceAll("_", " ");
  if (v && typeof v === "object") {
    const [name, inner] = Object.entries(v as Record<string, unknown>)[0] ?? ["?", null];
    const detail =
      inner && typeof inner === "object"
        ? Object.entries(inner as Record<string, unknown>).map(([k, x]) => `${k.replaceAll("_", " ")} ${String(x)}`).join(", ")
        : inner === null || inner === undefined
          ? ""
          : String(inner);
    return detail ? `${name.replaceAll("_", " ")} (${detail})` : name.replaceAll("_", " ");
  }
  return "—";
}
