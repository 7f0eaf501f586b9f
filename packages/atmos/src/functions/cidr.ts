/**
 * Terraform's CIDR functions — `cidrsubnet`, `cidrhost`, `cidrnetmask`, `cidrsubnets` — with
 * Terraform's exact results, for IPv4 and IPv6.
 *
 * Terraform implements them with a fork of Go 1.16's `net` address parsing
 * (`internal/ipaddr`) and `github.com/apparentlymart/go-cidr`; this module ports that code
 * closely (addresses are 4- or 16-byte arrays, an empty array stands for Go's `nil`) so that
 * even the odd corners agree: host bits of the input are masked off, leading zeros in IPv4
 * octets are decimal, IPv6 results use Go's compressed form (`fd00:fd12:3456:7800:a200::/72`),
 * IPv4-mapped IPv6 prefixes print as IPv4, and a negative `netnum` behaves like Terraform's.
 * cidr-table.json (generated from a real `terraform console`) is the reference; see
 * cidr.spec.ts.
 *
 * Every failure is an `AtmosUserError('FUNCTION_ERROR', …)` whose message is Terraform's
 * (e.g. "insufficient address space to extend prefix of 30 by 8"); the expression evaluator
 * adds the function name and the location. The one deliberate difference: a negative
 * `newbits` that would make the prefix length negative is an error here, where Terraform
 * returns the string "<nil>".
 */
import { AtmosUserError } from '../errors/user-error';

/** Whole numbers may be given as numbers, bigints or decimal strings (as Terraform converts). */
export type NumberLike = number | bigint | string;

type Bytes = Uint8Array;
interface IPNet {
  ip: Bytes;
  mask: Bytes;
}

const IPV4_LEN = 4;
const IPV6_LEN = 16;
const BIG = 0xffffff;
const V4_IN_V6_PREFIX = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff);
const IPV4_ZERO = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0);
const IPV6_ZERO = new Uint8Array(16);
const NIL = new Uint8Array(0);
const UINT64_MASK = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function fail(message: string): never {
  throw new AtmosUserError('FUNCTION_ERROR', message);
}

// ---------------------------------------------------------------- public functions

/**
 * `cidrsubnet(prefix, newbits, netnum)`: the `netnum`-th subnet of `prefix` whose prefix is
 * `newbits` longer.
 */
export function cidrsubnet(prefix: string, newbits: NumberLike, netnum: NumberLike): string {
  const bits = toInt(newbits);
  const num = toWhole(netnum);
  const network = parseNetwork(prefix);
  return ipNetString(subnetBig(network, bits, num));
}

/** `cidrhost(prefix, hostnum)`: the address of host `hostnum`; negative numbers count from the end. */
export function cidrhost(prefix: string, hostnum: NumberLike): string {
  const num = toWhole(hostnum);
  const network = parseNetwork(prefix);
  return ipString(hostBig(network, num));
}

/** `cidrnetmask(prefix)`: the dotted netmask of an IPv4 prefix (IPv6 has no netmask: error). */
export function cidrnetmask(prefix: string): string {
  const network = parseNetwork(prefix);
  if (to4(network.ip) === null) fail(`IPv6 addresses cannot have a netmask: ${prefix}`);
  return ipString(network.mask);
}

/**
 * `cidrsubnets(prefix, ...newbits)`: consecutive, aligned subnets of `prefix`, one per
 * `newbits` (each 1–32 bits longer than `prefix`).
 */
export function cidrsubnets(prefix: string, ...newbits: NumberLike[]): string[] {
  const network = parseNetwork(prefix);
  const [startPrefixLen] = maskSize(network.mask);
  if (newbits.length === 0) return [];

  const firstLength = toInt(newbits[0]) + startPrefixLen;
  const result: string[] = [];
  let current = previousSubnet(network, firstLength);
  for (const arg of newbits) {
    let length = toInt(arg);
    if (length < 1) fail('must extend prefix by at least one bit');
    // Terraform allows at most 32 bits per step, for portability with 32-bit platforms.
    if (length > 32) fail('may not extend prefix by more than 32 bits');
    length += startPrefixLen;
    const addressBits = network.ip.length * 8;
    if (length > addressBits) {
      const protocol = addressBits === 32 ? 'IPv4' : addressBits === 128 ? 'IPv6' : 'IP';
      fail(`would extend prefix to ${length} bits, which is too long for an ${protocol} address`);
    }
    const [next, rollover] = nextSubnet(current, length);
    if (rollover || !contains(network, next.ip)) {
      fail(`not enough remaining address space for a subnet with a prefix of ${length} bits after ${ipNetString(current)}`);
    }
    current = next;
    result.push(ipNetString(current));
  }
  return result;
}

// ---------------------------------------------------------------- number conversion

/** Exact integer value of a decimal string (`"12"`, `"1.5e1"`), or null when not whole. */
function parseDecimal(text: string): bigint | null | undefined {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined; // not a number
  const sign = m[1] === '-' ? -1n : 1n;
  let digits = (m[2] + (m[3] ?? '')).replace(/^0+/, '');
  let exponent = Number(m[4] ?? '0') - (m[3] ?? '').length;
  if (digits === '') return 0n;
  while (exponent < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent++;
  }
  if (exponent < 0) return null;
  if (exponent > 4096) return undefined;
  return sign * BigInt(digits) * 10n ** BigInt(exponent);
}

/** Terraform's conversion to a whole number (`*big.Int`). */
function toWhole(value: NumberLike): bigint {
  if (typeof value === 'bigint') return value;
  let parsed: bigint | null | undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail('value must be a whole number');
    parsed = parseDecimal(String(value));
  } else if (typeof value === 'string') {
    parsed = parseDecimal(value);
  }
  if (parsed === undefined) fail('a number is required');
  if (parsed === null) fail('value must be a whole number');
  return parsed;
}

/** Terraform's conversion to a Go `int` (64-bit). */
function toInt(value: NumberLike): number {
  let n: bigint;
  try {
    n = toWhole(value);
  } catch (error) {
    if (error instanceof AtmosUserError && error.message === 'a number is required') throw error;
    n = INT64_MAX + 1n;
  }
  if (n < INT64_MIN || n > INT64_MAX) {
    fail('value must be a whole number, between -9223372036854775808 and 9223372036854775807');
  }
  // Far beyond any address length; keep the sign so the range checks below still apply.
  if (n > 1_000_000n) return 1_000_000;
  if (n < -1_000_000n) return -1_000_000;
  return Number(n);
}

// ---------------------------------------------------------------- Go net (1.16) parsing

/** Decimal to integer: [value, characters consumed, ok]. */
function dtoi(s: string): [number, number, boolean] {
  let n = 0;
  let i = 0;
  for (; i < s.length && s[i] >= '0' && s[i] <= '9'; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n >= BIG) return [BIG, i, false];
  }
  if (i === 0) return [0, 0, false];
  return [n, i, true];
}

/** Hexadecimal to integer: [value, characters consumed, ok]. */
function xtoi(s: string): [number, number, boolean] {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c >= '0' && c <= '9') n = n * 16 + (s.charCodeAt(i) - 48);
    else if (c >= 'a' && c <= 'f') n = n * 16 + (s.charCodeAt(i) - 87);
    else if (c >= 'A' && c <= 'F') n = n * 16 + (s.charCodeAt(i) - 55);
    else break;
    if (n >= BIG) return [0, i, false];
  }
  if (i === 0) return [0, 0, false];
  return [n, i, true];
}

/** Dotted decimal (octets may have leading zeros, read as decimal) → 16-byte v4-in-v6. */
function parseIPv4(input: string): Bytes | null {
  let s = input;
  const p = new Uint8Array(IPV4_LEN);
  for (let i = 0; i < IPV4_LEN; i++) {
    if (s.length === 0) return null;
    if (i > 0) {
      if (s[0] !== '.') return null;
      s = s.slice(1);
    }
    const [n, c, ok] = dtoi(s);
    if (!ok || n > 0xff) return null;
    s = s.slice(c);
    p[i] = n;
  }
  if (s.length !== 0) return null;
  const ip = new Uint8Array(IPV6_LEN);
  ip.set(V4_IN_V6_PREFIX);
  ip.set(p, 12);
  return ip;
}

function parseIPv6(input: string): Bytes | null {
  let s = input;
  const ip = new Uint8Array(IPV6_LEN);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < IPV6_LEN) {
    const [n, c, ok] = xtoi(s);
    if (!ok || n > 0xffff) return null;
    if (c < s.length && s[c] === '.') {
      // Trailing IPv4 part.
      if (ellipsis < 0 && i !== IPV6_LEN - IPV4_LEN) return null;
      if (i + IPV4_LEN > IPV6_LEN) return null;
      const ip4 = parseIPv4(s);
      if (ip4 === null) return null;
      ip.set(ip4.subarray(12), i);
      s = '';
      i += IPV4_LEN;
      break;
    }
    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;
    s = s.slice(c);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return null;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return null;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return null;
  if (i < IPV6_LEN) {
    if (ellipsis < 0) return null;
    const n = IPV6_LEN - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j];
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return null; // "::" must stand for at least one group
  }
  return ip;
}

function parseNetwork(prefix: string): IPNet {
  const network = parseCIDR(prefix);
  if (network === null) fail(`invalid CIDR expression: invalid CIDR address: ${prefix}`);
  return network;
}

function parseCIDR(s: string): IPNet | null {
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  const addr = s.slice(0, slash);
  const maskText = s.slice(slash + 1);
  let ipLen = IPV4_LEN;
  let ip = parseIPv4(addr);
  if (ip === null) {
    ipLen = IPV6_LEN;
    ip = parseIPv6(addr);
  }
  const [n, consumed, ok] = dtoi(maskText);
  if (ip === null || !ok || consumed !== maskText.length || n < 0 || n > 8 * ipLen) return null;
  const mask = cidrMask(n, 8 * ipLen);
  return { ip: maskIP(ip, mask), mask };
}

// ---------------------------------------------------------------- Go net IP helpers

function equalBytes(a: Bytes, b: Bytes): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function cidrMask(ones: number, bits: number): Bytes {
  if (bits !== 32 && bits !== 128) return NIL;
  if (ones < 0 || ones > bits) return NIL;
  const mask = new Uint8Array(bits / 8);
  let n = ones;
  for (let i = 0; i < mask.length; i++) {
    if (n >= 8) {
      mask[i] = 0xff;
      n -= 8;
      continue;
    }
    mask[i] = ~(0xff >> n) & 0xff;
    n = 0;
  }
  return mask;
}

function maskIP(ipIn: Bytes, maskIn: Bytes): Bytes {
  let ip = ipIn;
  let mask = maskIn;
  if (mask.length === IPV6_LEN && ip.length === IPV4_LEN && mask.subarray(0, 12).every((b) => b === 0xff)) {
    mask = mask.subarray(12);
  }
  if (mask.length === IPV4_LEN && ip.length === IPV6_LEN && equalBytes(ip.subarray(0, 12), V4_IN_V6_PREFIX)) {
    ip = ip.subarray(12);
  }
  if (ip.length !== mask.length) return NIL;
  return ip.map((b, i) => b & mask[i]);
}

function simpleMaskLength(mask: Bytes): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    let v = mask[i];
    if (v === 0xff) {
      n += 8;
      continue;
    }
    while (v & 0x80) {
      n++;
      v = (v << 1) & 0xff;
    }
    if (v !== 0) return -1;
    for (i++; i < mask.length; i++) if (mask[i] !== 0) return -1;
    break;
  }
  return n;
}

/** [ones, bits] of a mask; [0, 0] for a non-canonical mask. */
function maskSize(mask: Bytes): [number, number] {
  const ones = simpleMaskLength(mask);
  return ones === -1 ? [0, 0] : [ones, mask.length * 8];
}

function to4(ip: Bytes): Bytes | null {
  if (ip.length === IPV4_LEN) return ip;
  if (ip.length === IPV6_LEN && equalBytes(ip.subarray(0, 12), V4_IN_V6_PREFIX)) return ip.subarray(12);
  return null;
}

function equalIP(ip: Bytes, x: Bytes): boolean {
  if (ip.length === x.length) return equalBytes(ip, x);
  if (ip.length === IPV4_LEN && x.length === IPV6_LEN) {
    return equalBytes(x.subarray(0, 12), V4_IN_V6_PREFIX) && equalBytes(ip, x.subarray(12));
  }
  if (ip.length === IPV6_LEN && x.length === IPV4_LEN) {
    return equalBytes(ip.subarray(0, 12), V4_IN_V6_PREFIX) && equalBytes(ip.subarray(12), x);
  }
  return false;
}

function hexString(bytes: Bytes): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Go's `net.IP.String()`: dotted IPv4, or RFC 5952 IPv6 (longest zero run, first on ties). */
function ipString(ip: Bytes): string {
  if (ip.length === 0) return '<nil>';
  const p4 = to4(ip);
  if (p4 !== null) return Array.from(p4).join('.');
  if (ip.length !== IPV6_LEN) return '?' + hexString(ip);
  let e0 = -1;
  let e1 = -1;
  for (let i = 0; i < IPV6_LEN; i += 2) {
    let j = i;
    while (j < IPV6_LEN && ip[j] === 0 && ip[j + 1] === 0) j += 2;
    if (j > i && j - i > e1 - e0) {
      e0 = i;
      e1 = j;
      i = j;
    }
  }
  if (e1 - e0 <= 2) {
    e0 = -1;
    e1 = -1;
  }
  let out = '';
  for (let i = 0; i < IPV6_LEN; i += 2) {
    if (i === e0) {
      out += '::';
      i = e1;
      if (i >= IPV6_LEN) break;
    } else if (i > 0) {
      out += ':';
    }
    out += ((ip[i] << 8) | ip[i + 1]).toString(16);
  }
  return out;
}

function networkNumberAndMask(n: IPNet): [Bytes, Bytes] | null {
  let ip = to4(n.ip);
  if (ip === null) {
    ip = n.ip;
    if (ip.length !== IPV6_LEN) return null;
  }
  let m = n.mask;
  if (m.length === IPV4_LEN) {
    if (ip.length !== IPV4_LEN) return null;
  } else if (m.length === IPV6_LEN) {
    if (ip.length === IPV4_LEN) m = m.subarray(12);
  } else {
    return null;
  }
  return [ip, m];
}

/** Go's `net.IPNet.String()`. */
function ipNetString(n: IPNet): string {
  const nm = networkNumberAndMask(n);
  if (nm === null) return '<nil>';
  const [ip, m] = nm;
  const l = simpleMaskLength(m);
  return l === -1 ? `${ipString(ip)}/${hexString(m)}` : `${ipString(ip)}/${l}`;
}

function contains(n: IPNet, ipIn: Bytes): boolean {
  const nm = networkNumberAndMask(n);
  const [nn, m] = nm ?? [NIL, NIL];
  const ip = to4(ipIn) ?? ipIn;
  if (ip.length !== nn.length) return false;
  for (let i = 0; i < ip.length; i++) if ((nn[i] & m[i]) !== (ip[i] & m[i])) return false;
  return true;
}

// ---------------------------------------------------------------- go-cidr

function ipToInt(ip: Bytes): [bigint, number] {
  if (ip.length !== IPV4_LEN && ip.length !== IPV6_LEN) fail(`unsupported address length ${ip.length}`);
  return [BigInt('0x' + hexString(ip)), ip.length * 8];
}

/** Go's `big.Int.Bytes()` (magnitude) packed into the end of a `bits`-wide address. */
function intToIP(value: bigint, bits: number): Bytes {
  let magnitude = value < 0n ? -value : value;
  const out = new Uint8Array(bits / 8);
  let i = out.length - 1;
  while (magnitude > 0n) {
    if (i < 0) fail('address number out of range');
    out[i--] = Number(magnitude & 0xffn);
    magnitude >>= 8n;
  }
  return out;
}

function insertNumIntoIP(ip: Bytes, num: bigint, prefixLen: number): Bytes {
  const [ipInt, totalBits] = ipToInt(ip);
  return intToIP(ipInt | (num << BigInt(totalBits - prefixLen)), totalBits);
}

/** Go's `big.Int.Uint64()`: the low 64 bits of the magnitude. */
function low64(n: bigint): bigint {
  return (n < 0n ? -n : n) & UINT64_MASK;
}

function subnetBig(base: IPNet, newBits: number, num: bigint): IPNet {
  const [parentLen, addrLen] = maskSize(base.mask);
  const newPrefixLen = parentLen + newBits;
  if (newPrefixLen > addrLen) fail(`insufficient address space to extend prefix of ${parentLen} by ${newBits}`);
  // uint64(1<<uint64(newBits)) - 1: wraps to the largest uint64 for newBits ≥ 64 (or < 0).
  const maxNetNum = newBits < 0 || newBits >= 64 ? UINT64_MASK : (1n << BigInt(newBits)) - 1n;
  if (low64(num) > maxNetNum) fail(`prefix extension of ${newBits} does not accommodate a subnet numbered ${num}`);
  if (newPrefixLen < 0) fail(`cannot shorten prefix of ${parentLen} by ${-newBits} bits`);
  return { ip: insertNumIntoIP(base.ip, num, newPrefixLen), mask: cidrMask(newPrefixLen, addrLen) };
}

function hostBig(base: IPNet, numIn: bigint): Bytes {
  let num = numIn;
  const [parentLen, addrLen] = maskSize(base.mask);
  const maxHostNum = (1n << BigInt(addrLen - parentLen)) - 1n;
  // big.NewInt(int64(num.Uint64())): the low 64 bits, read as a signed number.
  let numUint64 = BigInt.asIntN(64, low64(num));
  if (num < 0n) {
    numUint64 = -num - 1n;
    num = maxHostNum - numUint64;
  }
  if (numUint64 > maxHostNum) fail(`prefix of ${parentLen} does not accommodate a host numbered ${num}`);
  const bitLength = to4(base.ip) !== null ? 32 : 128;
  return insertNumIntoIP(base.ip, num, bitLength);
}

function checkIPv4(ip: Bytes): Bytes {
  return to4(ip) ?? ip;
}

function inc(ipIn: Bytes): Bytes {
  const ip = checkIPv4(ipIn).slice();
  for (let j = ip.length - 1; j >= 0; j--) {
    ip[j] = (ip[j] + 1) & 0xff;
    if (ip[j] > 0) break;
  }
  return ip;
}

function dec(ipIn: Bytes): Bytes {
  const ip = checkIPv4(ipIn).slice();
  for (let j = ip.length - 1; j >= 0; j--) {
    ip[j] = (ip[j] - 1) & 0xff;
    if (ip[j] < 255) break;
  }
  return ip;
}

function addressRange(network: IPNet): [Bytes, Bytes] {
  const first = network.ip;
  const [prefixLen, bits] = maskSize(network.mask);
  if (prefixLen === bits) return [first, first.slice()];
  const [firstInt, ipBits] = ipToInt(first);
  const hostLen = BigInt(ipBits - prefixLen);
  return [first, intToIP(((1n << hostLen) - 1n) | firstInt, ipBits)];
}

function previousSubnet(network: IPNet, prefixLen: number): IPNet {
  const start = checkIPv4(network.ip);
  const mask = cidrMask(prefixLen, 8 * start.length);
  return { ip: maskIP(dec(start), mask), mask };
}

function nextSubnet(network: IPNet, prefixLen: number): [IPNet, boolean] {
  const [, currentLast] = addressRange(network);
  const mask = cidrMask(prefixLen, 8 * currentLast.length);
  const currentSubnet = { ip: maskIP(currentLast, mask), mask };
  const [, lastIn] = addressRange(currentSubnet);
  const last = inc(lastIn);
  const next = { ip: maskIP(last, mask), mask };
  return [next, equalIP(last, IPV4_ZERO) || equalIP(last, IPV6_ZERO)];
}
