// The node's public API, as any client uses it: JSON-RPC 2.0 at POST /rpc (the
// same endpoint as POST /) and the block subscription at /ws. The dashboard has
// no other data source.

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

let nextId = 1;

/** The node's JSON-RPC code for an object that does not exist. */
export const NOT_FOUND = -32001;

/** Calls one JSON-RPC method on the node that served the page. */
/** The most a list read answers in one page (the node's MAX_LIST). */
const PAGE = 1_000;

/** Every item of a paged list read: each page after the last item's `cursor`, until a short page. */
export async function callAll<T>(method: string, params: Record<string, unknown>, cursor: (last: T) => unknown): Promise<T[]> {
  const all: T[] = [];
  for (;;) {
    const page = await call<T[]>(method, all.length ? { ...params, after: cursor(all[all.length - 1]) } : params);
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}

export async function call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch("/rpc", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
    });
  } catch (e) {
    throw new RpcError(-1, `the node is unreachable (${(e as Error).message})`);
  }
  if (!res.ok) throw new RpcError(res.status, `the node answered HTTP ${res.status}`);
  const body = await res.json();
  if (body.error) {
    const data = body.error.data;
    const coded = data && data.module ? ` (${data.module}/${data.code})` : "";
    throw new RpcError(body.error.code, `${body.error.message}${coded}`, data);
  }
  return body.result as T;
}

/** Like [`call`], but a missing object reads as `null` instead of an error. */
export async function maybe<T>(method: string, params: Record<string, unknown> = {}): Promise<T | null> {
  try {
    return await call<T>(method, params);
  } catch (e) {
    if (e instanceof RpcError && e.code === NOT_FOUND) return null;
    throw e;
  }
}

export interface NoticeEvent {
  tx: string | null;
  kind: string;
  attributes: [string, string][];
}

export interface BlockNotice {
  height: number;
  hash: string;
  time: number;
  app_hash: string;
  tx_count: number;
  events: NoticeEvent[];
}

export type Link = "connecting" | "live" | "down";

/**
 * Follows committed blocks over the WebSocket, reconnecting with backoff while
 * the node is down. Returns a function that stops following.
 */
export function subscribe(onBlock: (n: BlockNotice) => void, onLink: (l: Link) => void): () => void {
  let socket: WebSocket | null = null;
  let stopped = false;
  let delay = 500;
  const open = () => {
    if (stopped) return;
    onLink("connecting");
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    socket = new WebSocket(url);
    socket.onopen = () => {
      delay = 500;
      onLink("live");
    };
    socket.onmessage = (m) => {
      try {
        const notice = JSON.parse(m.data as string);
        if (typeof notice.height === "number") onBlock(notice as BlockNotice);
      } catch {
        // A message we cannot read is skipped; the next block brings fresh state.
      }
    };
    socket.onclose = () => {
      socket = null;
      if (stopped) return;
      onLink("down");
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  open();
  return () => {
    stopped = true;
    socket?.close();
  };
}
