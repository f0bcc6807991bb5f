// One JSON-RPC call to the node under test, as the scripts in this folder make
// them: the answer's `result`, or an error naming the method and the node's error.

export function rpcTo(base) {
  return async (method, params = {}) => {
    const res = await fetch(`${base}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = await res.json();
    if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
    return body.result;
  };
}
