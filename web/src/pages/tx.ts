// One transaction: its envelope, the actions as signed, its outcome (applied, or
// failed in its block with the reason, its nonce used and its fee charged) and
// its events; and the table of transactions the account and device pages share.

import { addressOf, hexToBytes } from "../codec";
import { call } from "../rpc";
import { facts, ghr, h, int, link, short, table } from "../ui";
import { actionNames, type Tx } from "./network";

export interface TxError {
  module: string;
  code: number;
  message: string;
}

export interface TxRecord {
  hash: string;
  height: number;
  index: number;
  events: { kind: string; attributes: [string, string][] }[];
  error: TxError | null;
}

export interface TxInfo {
  tx: Tx;
  record: TxRecord;
}

/**
 * How many transactions one `account_txs` call asks for (the node allows 100):
 * each distinct block they sit in is read whole, so a page stays small.
 */
export const TX_PAGE = 25;

export function outcome(r: TxRecord): string {
  return r.error ? `failed: ${r.error.module}/${r.error.code} ${r.error.message}` : "applied";
}

export async function tx(hash: string): Promise<HTMLElement> {
  const info = await call<TxInfo>("tx", { hash });
  const { body } = info.tx;
  const { record } = info;
  const signer = addressOf(hexToBytes(body.signer));
  return h(
    "div",
    { class: "grid" },
    facts(`Transaction ${short(record.hash, 16)}`, [
      ["Hash", h("code", {}, record.hash)],
      [
        "Outcome",
        record.error
          ? `Failed in its block (${record.error.module}/${record.error.code}): ${record.error.message}. Its actions were rolled back; its nonce is used and its fee charged.`
          : "Applied",
      ],
      ["Block", link(`#/block/${record.height}`, `${int(record.height)}, at index ${int(record.index)}`)],
      ["Signer", link(`#/account/${signer}`, signer)],
      ["Nonce", int(body.nonce)],
      ["Fee", ghr(body.fee, 3)],
      ["Memo", body.memo || "—"],
      ["Actions", actionNames(info.tx)],
    ]),
    h(
      "section",
      { class: "card", "aria-label": "Actions as signed" },
      h("h2", {}, "Actions as signed"),
      h("pre", { class: "json", tabindex: 0, "aria-label": "The actions as JSON" }, JSON.stringify(body.actions, null, 2)),
    ),
    table(
      "Events",
      [
        { title: "Kind", cell: (e) => e.kind },
        { title: "Attributes", cell: (e) => e.attributes.map(([k, v]) => `${k}=${v}`).join(" · ") },
      ],
      record.events,
      25,
      "No event.",
    ),
  );
}

/** Transactions, newest first, each linked to its page. */
export function txTable(caption: string, txs: TxInfo[], empty: string): HTMLElement {
  return table(
    caption,
    [
      { title: "Transaction", cell: (t) => link(`#/tx/${t.record.hash}`, h("code", {}, short(t.record.hash))) },
      { title: "Block", cell: (t) => link(`#/block/${t.record.height}`, int(t.record.height)) },
      { title: "Nonce", cell: (t) => int(t.tx.body.nonce), numeric: true },
      { title: "Actions", cell: (t) => actionNames(t.tx) },
      { title: "Fee", cell: (t) => ghr(t.tx.body.fee, 3), numeric: true },
      { title: "Outcome", cell: (t) => outcome(t.record) },
    ],
    txs,
    25,
    empty,
  );
}

/**
 * An account's transactions: the latest page, and a button that reads the page
 * before it (`before` = the last nonce shown) and redraws the table.
 */
export async function accountTxs(address: string): Promise<HTMLElement> {
  const shown = await call<TxInfo[]>("account_txs", { address, limit: TX_PAGE });
  const slot = h("div", { class: "span-all" });
  const draw = (more: boolean) => {
    const older = h(
      "button",
      {
        type: "button",
        onclick: async () => {
          older.setAttribute("disabled", "");
          const page = await call<TxInfo[]>("account_txs", { address, before: shown[shown.length - 1].tx.body.nonce, limit: TX_PAGE });
          shown.push(...page);
          draw(page.length === TX_PAGE);
        },
      },
      "Load older transactions",
    );
    const card = txTable(`Transactions signed (${int(shown.length)} shown, newest first)`, shown, "No transaction signed.");
    if (more) card.append(h("div", { class: "buttons" }, older));
    slot.replaceChildren(card);
  };
  draw(shown.length === TX_PAGE);
  return slot;
}
