// The chain's canonical encoding (borsh: little-endian integers, u32-length
// prefixed strings and vectors, a one-byte tag for options and enums) for the
// few structures the browser checks itself: headers, votes, validator sets,
// stored telemetry reports and state proofs. Decoding refuses trailing or
// missing bytes, so a value that parses here is exactly the bytes that were hashed.

import { sha256 } from "@noble/hashes/sha2.js";
import { bech32 } from "@scure/base";

export { sha256 };

/** `Address::from_public_key`: the first 20 bytes of SHA-256 of the key, bech32 with prefix `gh`. */
export function addressOf(publicKey: Uint8Array): string {
  return bech32.encode("gh", bech32.toWords(sha256(publicKey).slice(0, 20)));
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`not hex: ${clean.slice(0, 16)}…`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** An unsigned little-endian integer of `bytes` bytes. */
export function uint(value: bigint | number, bytes: number): Uint8Array {
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * bytes)) throw new Error(`${value} does not fit ${bytes} bytes`);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export const u64 = (v: bigint | number) => uint(v, 8);

/** A borsh string: u32 length, then UTF-8. */
export function str(s: string): Uint8Array {
  const utf8 = new TextEncoder().encode(s);
  return concat(uint(utf8.length, 4), utf8);
}

/** Reads borsh values in order; `done` checks that nothing is left over. */
export class Reader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  take(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw new Error(`encoding ends early (needs ${n} bytes at ${this.at})`);
    const out = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }
  uint(n: number): bigint {
    const b = this.take(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  }
  u8(): number {
    return Number(this.uint(1));
  }
  u16(): number {
    return Number(this.uint(2));
  }
  u32(): number {
    return Number(this.uint(4));
  }
  u64(): bigint {
    return this.uint(8);
  }
  bool(): boolean {
    const b = this.u8();
    if (b > 1) throw new Error(`bool byte ${b}`);
    return b === 1;
  }
  hash(): Uint8Array {
    return this.take(32);
  }
  string(): string {
    return new TextDecoder("utf-8", { fatal: true }).decode(this.take(this.u32()));
  }
  /** A u32-counted sequence, refusing counts the remaining bytes cannot hold. */
  vec<T>(item: (r: Reader) => T, minItemBytes = 1): T[] {
    const n = this.u32();
    if (n * minItemBytes > this.bytes.length - this.at) throw new Error(`a vector of ${n} items cannot fit`);
    return Array.from({ length: n }, () => item(this));
  }
  done(): void {
    if (this.at !== this.bytes.length) throw new Error(`${this.bytes.length - this.at} bytes left over`);
  }
}

/** SHA-256 of the parts, each prefixed by its length as a u64 (`Hash::digest_parts`). */
export function digestParts(...parts: Uint8Array[]): Uint8Array {
  return sha256(concat(...parts.flatMap((p) => [u64(p.length), p])));
}

/** What a key signs for `domain` on `chainId`: `len ‖ domain ‖ len ‖ chain id ‖ message`. */
export function signingBytes(domain: string, chainId: string, message: Uint8Array): Uint8Array {
  const tag = new TextEncoder().encode(domain);
  const chain = new TextEncoder().encode(chainId);
  return concat(Uint8Array.of(tag.length), tag, Uint8Array.of(chain.length), chain, message);
}

/** The signing domains (`greenhour_crypto::Domain`). */
export const DOMAIN = {
  tx: "greenhour/tx/v1",
  telemetry: "greenhour/telemetry/v1",
  consensus: "greenhour/consensus/v1",
} as const;
