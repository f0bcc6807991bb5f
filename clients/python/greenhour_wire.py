#!/usr/bin/env python3
"""A Greenhour client written from docs/spec/wire.md alone (no Rust, no generated code).

It derives keys, encodes and signs a transfer, submits it, follows the chain's
headers from genesis on commit certificates, and checks a state proof against
the app hash of a header it verified; it runs workloads by their interface in
wasmtime. Needs PyNaCl, bech32 and wasmtime (PyPI, clients/python/requirements.txt).

    python3 greenhour_wire.py fixtures PATH      # reproduce the conformance fixtures' tx bytes
    python3 greenhour_wire.py transfer URL       # alice sends 1,234 ughr to a fresh address,
                                                 # then proves the balance under a verified header
    python3 greenhour_wire.py workloads URL      # the node's example workloads run in wasmtime
                                                 # (a second engine; needs wasmtime from PyPI)
"""

import hashlib
import json
import struct
import sys
import urllib.request

import bech32
import nacl.exceptions
import nacl.signing

# --- wire.md §2: hashing, keys and addresses ---------------------------------

def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def digest_parts(*parts: bytes) -> bytes:
    """SHA-256 over parts, each prefixed by its length as a u64 LE."""
    h = hashlib.sha256()
    for p in parts:
        h.update(struct.pack("<Q", len(p)))
        h.update(p)
    return h.digest()


def demo_key(name: str) -> nacl.signing.SigningKey:
    """Demo keys (devnet only): the ed25519 seed is digest_parts("greenhour/demo-key", name)."""
    return nacl.signing.SigningKey(digest_parts(b"greenhour/demo-key", name.encode()))


def address_bytes(public_key: bytes) -> bytes:
    return sha256(public_key)[:20]


def address_text(raw: bytes) -> str:
    """bech32 (BIP-173, not bech32m) with the prefix gh, lowercase."""
    return bech32.bech32_encode("gh", bech32.convertbits(raw, 8, 5))


# --- wire.md §3: borsh ---------------------------------------------------------

def u8(v: int) -> bytes:
    return struct.pack("<B", v)


def u32(v: int) -> bytes:
    return struct.pack("<I", v)


def u64(v: int) -> bytes:
    return struct.pack("<Q", v)


def u128(v: int) -> bytes:
    return v.to_bytes(16, "little")


def string(s: str) -> bytes:
    b = s.encode()
    return u32(len(b)) + b


def vec(items) -> bytes:
    items = list(items)
    return u32(len(items)) + b"".join(items)


def coin(denom: str, amount: int) -> bytes:
    return string(denom) + u128(amount)


# --- wire.md §4–5: actions, transactions, signatures -------------------------

APP_ACTION_BANK = 0
BANK_SEND = 0
BANK_MULTI_SEND = 1
DOMAIN_TX = b"greenhour/tx/v1"
DOMAIN_CONSENSUS = b"greenhour/consensus/v1"


def bank_send(to: bytes, coins) -> bytes:
    return u8(APP_ACTION_BANK) + u8(BANK_SEND) + to + vec(coin(d, a) for d, a in coins)


def bank_multi_send(outputs) -> bytes:
    return u8(APP_ACTION_BANK) + u8(BANK_MULTI_SEND) + vec(to + vec(coin(d, a) for d, a in coins) for to, coins in outputs)


def tx_body(chain_id: str, signer: bytes, nonce: int, fee: int, actions, memo: str) -> bytes:
    return string(chain_id) + signer + u64(nonce) + u128(fee) + vec(actions) + string(memo)


def signing_bytes(domain: bytes, chain_id: str, message: bytes) -> bytes:
    chain = chain_id.encode()
    return u8(len(domain)) + domain + u8(len(chain)) + chain + message


def sign_tx(key: nacl.signing.SigningKey, chain_id: str, body: bytes) -> bytes:
    """A transaction is its body followed by the 64-byte signature."""
    return body + key.sign(signing_bytes(DOMAIN_TX, chain_id, body)).signature


# --- wire.md §7–8: headers, validator sets, commit certificates --------------

def header_bytes(h: dict) -> bytes:
    return (
        string(h["chain_id"]) + u64(h["height"]) + u64(h["time"])
        + bytes.fromhex(h["prev_hash"]) + bytes.fromhex(h["tx_root"]) + bytes.fromhex(h["app_hash"])
        + bytes.fromhex(h["validators_hash"]) + bytes.fromhex(h["next_validators_hash"])
        + bytes.fromhex(h["last_commit_hash"])
    )


def decode_set(value: bytes):
    """ValidatorSet = epoch u64, members Vec<{operator [20], consensus_key [32], power u64}>.
    Returns (members as (key, power), the hash headers carry: SHA-256 of the encoded members)."""
    (count,) = struct.unpack_from("<I", value, 8)
    members, at = [], 12
    for _ in range(count):
        key = value[at + 20:at + 52]
        (power,) = struct.unpack_from("<Q", value, at + 52)
        members.append((key, power))
        at += 60
    if at != len(value):
        raise ValueError("validator set has trailing bytes")
    return members, sha256(value[8:])


def vote_bytes(chain_id: str, height: int, round_: int, block: bytes, validator_key: bytes) -> bytes:
    """Vote{chain_id, height, round u32, kind (Precommit = 1), block Some(hash), validator_key}."""
    return string(chain_id) + u64(height) + u32(round_) + u8(1) + u8(1) + block + validator_key


def verify_certificate(chain_id: str, cert: dict, header_hash: bytes, height: int, members) -> None:
    if cert["height"] != height or bytes.fromhex(cert["block"]) != header_hash:
        raise ValueError(f"certificate of {height} is for another block")
    powers = {key: power for key, power in members}
    total = sum(powers.values())
    seen, signed = set(), 0
    for s in cert["signatures"]:
        key = bytes.fromhex(s["validator_key"])
        if key in seen or key not in powers:
            raise ValueError(f"signer {key.hex()} twice or not in the set")
        seen.add(key)
        message = signing_bytes(DOMAIN_CONSENSUS, chain_id, vote_bytes(chain_id, height, cert["round"], header_hash, key))
        try:
            nacl.signing.VerifyKey(key).verify(message, bytes.fromhex(s["signature"]))
        except nacl.exceptions.BadSignatureError:
            raise ValueError(f"bad precommit signature of {key.hex()} at {height}")
        signed += powers[key]
    if total == 0 or 3 * signed <= 2 * total:
        raise ValueError(f"only {signed} of {total} power signed block {height}")


# --- wire.md §6: state proofs (Jellyfish Merkle Tree, SHA-256) ----------------

PLACEHOLDER = b"SPARSE_MERKLE_PLACEHOLDER_HASH__"


def leaf_hash(key_hash: bytes, value_hash: bytes) -> bytes:
    return sha256(b"JMT::LeafNode" + key_hash + value_hash)


def internal_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"JMT::IntrnalNode" + left + right)


def verify_proof(root: bytes, key: bytes, value, proof: bytes) -> None:
    """Inclusion of `value` (or, when None, absence) of `key` under `root`."""
    at = 0
    leaf = None
    if proof[at] == 1:
        leaf = (proof[at + 1:at + 33], proof[at + 33:at + 65])
        at += 65
    else:
        at += 1
    (count,) = struct.unpack_from("<I", proof, at)
    at += 4
    siblings = []
    for _ in range(count):
        tag = proof[at]
        if tag == 0:
            siblings.append(PLACEHOLDER)
            at += 1
        elif tag in (1, 2):
            a, b = proof[at + 1:at + 33], proof[at + 33:at + 65]
            siblings.append(internal_hash(a, b) if tag == 1 else leaf_hash(a, b))
            at += 65
        else:
            raise ValueError("unknown sibling tag")
    if at != len(proof) or count > 256:
        raise ValueError("malformed proof")
    key_hash = sha256(key)
    if value is not None:
        if leaf is None or leaf[0] != key_hash or leaf[1] != sha256(value):
            raise ValueError("not an inclusion proof of this value")
    elif leaf is not None and leaf[0] == key_hash:
        raise ValueError("the key is present")
    bits = "".join(f"{byte:08b}" for byte in key_hash)
    if value is None and leaf is not None and not bits.startswith(
        "".join(f"{byte:08b}" for byte in leaf[0])[:count]
    ):
        raise ValueError("the leaf is not in the key's subtree")
    current = leaf_hash(*leaf) if leaf else PLACEHOLDER
    for i, sibling in enumerate(siblings):
        bit = bits[count - 1 - i]
        current = internal_hash(sibling, current) if bit == "1" else internal_hash(current, sibling)
    if current != root:
        raise ValueError("the proof does not reach the root")


# --- wire.md §9: the node's JSON-RPC -----------------------------------------

class Node:
    def __init__(self, url: str):
        self.url = url
        self.next_id = 0

    def call(self, method: str, params: dict):
        self.next_id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}).encode()
        request = urllib.request.Request(self.url, body, {"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def announced_set(self, height: int, header: dict):
        proof = self.call("state", {"key": "staking/set/next", "height": height})
        value = bytes.fromhex(proof["value"]) if proof["value"] else None
        verify_proof(bytes.fromhex(header["app_hash"]), b"staking/set/next", value, bytes.fromhex(proof["proof"]))
        members, set_hash = decode_set(value) if value else ([], sha256(u32(0)))
        if set_hash != bytes.fromhex(header["next_validators_hash"]):
            raise ValueError(f"the set at {height} is not the one header {height} announces")
        return members

    def follow(self, chain_id: str, target: int, trust_hash=None):
        """Trusts the genesis header (or the one hashing to trust_hash) and walks to target."""
        header = self.call("block", {"height": 0})["block"]["header"]
        trusted_hash = sha256(header_bytes(header))
        if trust_hash is not None and trusted_hash != trust_hash:
            raise ValueError("the genesis header is not the trusted one")
        members = self.announced_set(0, header)
        checked = 0
        for height in range(1, target + 1):
            nxt = self.call("block", {"height": height})["block"]["header"]
            if nxt["chain_id"] != chain_id or bytes.fromhex(nxt["prev_hash"]) != trusted_hash:
                raise ValueError(f"header {height} does not extend its parent")
            if bytes.fromhex(nxt["validators_hash"]) != bytes.fromhex(header["next_validators_hash"]):
                raise ValueError(f"header {height} is signed by a set nobody announced")
            nxt_hash = sha256(header_bytes(nxt))
            if members:
                verify_certificate(chain_id, self.call("commit", {"height": height}), nxt_hash, height, members)
                checked += 1
            if nxt["next_validators_hash"] != nxt["validators_hash"]:
                members = self.announced_set(height, nxt)
            header, trusted_hash = nxt, nxt_hash
        return header, checked


def transfer(url: str) -> None:
    node = Node(url)
    status = node.call("status", {})
    chain_id = status["chain_id"]
    alice = demo_key("alice")
    alice_pk = bytes(alice.verify_key)
    alice_address = address_text(address_bytes(alice_pk))
    to = address_bytes(bytes(demo_key("wire-client-recipient").verify_key))
    account = node.call("account", {"address": alice_address})
    amount = 1_234
    body = tx_body(chain_id, alice_pk, account["nonce"], int(status["min_fee"]), [bank_send(to, [("ughr", amount)])], "from python")
    tx = sign_tx(alice, chain_id, body)
    result = node.call("broadcast_tx", {"tx": tx.hex(), "mode": "commit"})
    if result["hash"] != sha256(tx).hex():
        raise ValueError("the node names the transaction by another hash")
    height = result["committed"]["height"]
    # The balance is proved at the height of a header followed from genesis.
    header, checked = node.follow(chain_id, height)
    key = f"bank/balance/{to.hex()}/ughr".encode()
    proof = node.call("state", {"key": key.decode(), "height": height})
    if proof["version"] != height:
        raise ValueError("a proof at another version")
    value = bytes.fromhex(proof["value"])
    verify_proof(bytes.fromhex(header["app_hash"]), key, value, bytes.fromhex(proof["proof"]))
    balance = int.from_bytes(value, "little")
    if balance != amount:
        raise ValueError(f"proved balance {balance}, sent {amount}")
    # The same proof must fail against any other root, and for any other value.
    for root, claimed in ((sha256(b"another root"), value), (bytes.fromhex(header["app_hash"]), u128(amount + 1))):
        try:
            verify_proof(root, key, claimed, bytes.fromhex(proof["proof"]))
        except ValueError:
            continue
        raise ValueError("a proof verified against the wrong root or value")
    # And a key that is absent proves absent.
    absent = f"bank/balance/{to.hex()}/unone".encode()
    proof = node.call("state", {"key": absent.decode(), "height": height})
    verify_proof(bytes.fromhex(header["app_hash"]), absent, None, bytes.fromhex(proof["proof"]))
    print(json.dumps({
        "tx": result["hash"], "height": height, "recipient": address_text(to), "balance": balance,
        "headers_followed": height, "certificates_checked": checked,
    }))


# --- wire.md §9: WASM workloads -----------------------------------------------

WORKLOAD_FUEL = 50_000_000
MAX_WORKLOAD_OUTPUT = 16 << 10
FUEL_GLOBAL = "greenhour_fuel"
OUT_OF_FUEL = 2**64 - 1


def run_workload(metered: bytes, data: bytes, fuel: int = WORKLOAD_FUEL) -> dict:
    """Runs a metered workload by the interface alone, in wasmtime with its own
    fuel off: the fuel left is the module's exported global, read unsigned."""
    import wasmtime

    engine = wasmtime.Engine(wasmtime.Config())
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, metered)
    if module.imports:
        return {"invalid": "imports"}
    exports = wasmtime.Instance(store, module, []).exports(store)
    counter = exports[FUEL_GLOBAL]
    counter.set_value(store, wasmtime.Val.i64(fuel))
    left = lambda: counter.value(store) % 2**64  # noqa: E731
    try:
        memory = exports["memory"]
        at = exports["input_ptr"](store)
        memory.write(store, data, at)
        n = exports["run"](store, len(data))
        if n < 0:
            return {"rejected": n}
        if n > MAX_WORKLOAD_OUTPUT:
            return {"output_too_large": n}
        out_at = exports["output_ptr"](store)
        output = bytes(memory.read(store, out_at, out_at + n))
    except wasmtime.Trap as trap:
        return {"out_of_fuel": True} if left() == OUT_OF_FUEL else {"trap": str(trap)}
    return {"output": output.hex(), "fuel": fuel - left()}


def workload_inputs(demo: bytes):
    """The demo input and variants a workload must refuse or survive."""
    return [demo, demo[: len(demo) // 2], b"", demo[:-1] + bytes([demo[-1] ^ 0xFF]) if demo else b"\xff"]


def workloads(url: str) -> None:
    results = []
    for example in Node(url).call("workload_examples", {}):
        wasm = bytes.fromhex(example["wasm"])
        if sha256(wasm).hex() != example["module"]:
            raise ValueError(f"{example['name']}: the module does not hash to its id")
        metered = bytes.fromhex(example["metered"])
        for data in workload_inputs(bytes.fromhex(example["demo_input"])):
            run = run_workload(metered, data)
            if "fuel" in run:
                # One unit short of what it used must run out, here as in any engine.
                run["one_short"] = run_workload(metered, data, run["fuel"] - 1)
            results.append({"name": example["name"], "input": data.hex(), **run})
    print(json.dumps(results))


def fixtures(path: str) -> None:
    """Rebuilds the conformance fixtures a client needs, byte for byte."""
    lines = dict(line.split(" ", 1) for line in open(path).read().splitlines())
    key = demo_key("fixture")
    pk = bytes(key.verify_key)
    body = tx_body(
        "greenhour-fixture", pk, 7, 1_000,
        [bank_send(bytes([2] * 20), [("ughr", 5)]), bank_multi_send([(bytes([3] * 20), [("ugusd", 2**128 - 1)])])],
        "hi",
    )
    header = {
        "chain_id": "greenhour-fixture", "height": 9, "time": 1_767_225_600,
        **{k: bytes([i + 1] * 32).hex() for i, k in enumerate(
            ["prev_hash", "tx_root", "app_hash", "validators_hash", "next_validators_hash", "last_commit_hash"])},
    }
    built = {
        "address": bytes([9] * 20).hex(),
        "public_key": pk.hex(),
        "coin": coin("ughr", 1_000_000).hex(),
        "tx_body": body.hex(),
        "tx": sign_tx(key, "greenhour-fixture", body).hex(),
        "header": header_bytes(header).hex(),
    }
    for name, hex_ in built.items():
        if lines[name].strip() != hex_:
            raise ValueError(f"fixture {name}: built {hex_}, pinned {lines[name].strip()}")
    print(json.dumps({"fixtures_matched": sorted(built)}))


if __name__ == "__main__":
    commands = {"transfer": transfer, "fixtures": fixtures, "workloads": workloads}
    if len(sys.argv) != 3 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2])
