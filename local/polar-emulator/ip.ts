/**
 * `is_global` and loopback checks for IP literals, with the semantics of Python's `ipaddress`
 * module (3.13), which Polar uses to refuse webhook URLs that point at non-global addresses.
 *
 * Inputs are hosts as the WHATWG URL parser serializes them: dotted-quad IPv4 and bracketed,
 * compressed, lower-case IPv6 (`[::ffff:7f00:1]`), so no other notation needs parsing.
 */

interface Network {
  readonly base: bigint;
  readonly prefix: number;
}

const IPV4_BITS = 32;
const IPV6_BITS = 128;

/** `ipaddress.IPv4Address._private_networks`. */
const IPV4_PRIVATE = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.0.170/31",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "240.0.0.0/4",
  "255.255.255.255/32",
].map((cidr) => parseCidr(cidr, IPV4_BITS));

/** `_private_networks_exceptions`: inside a private block but global (e.g. PCP/TURN anycast). */
const IPV4_PRIVATE_EXCEPTIONS = ["192.0.0.9/32", "192.0.0.10/32"].map((cidr) =>
  parseCidr(cidr, IPV4_BITS),
);

/** Carrier-grade NAT space: neither private nor global in Python. */
const IPV4_SHARED = parseCidr("100.64.0.0/10", IPV4_BITS);

/** `ipaddress.IPv6Address._private_networks`. */
const IPV6_PRIVATE = [
  "::1/128",
  "::/128",
  "::ffff:0:0/96",
  "64:ff9b:1::/48",
  "100::/64",
  "2001::/23",
  "2001:db8::/32",
  "2002::/16",
  "fc00::/7",
  "fe80::/10",
].map((cidr) => parseCidr(cidr, IPV6_BITS));

const IPV6_PRIVATE_EXCEPTIONS = [
  "2001:1::1/128",
  "2001:1::2/128",
  "2001:3::/32",
  "2001:4:112::/48",
  "2001:20::/28",
  "2001:30::/28",
].map((cidr) => parseCidr(cidr, IPV6_BITS));

const IPV4_MAPPED = parseCidr("::ffff:0:0/96", IPV6_BITS);
const IPV4_LOOPBACK = parseCidr("127.0.0.0/8", IPV4_BITS);
const IPV6_LOOPBACK = parseCidr("::1/128", IPV6_BITS);

export type IpLiteral =
  { readonly version: 4; readonly value: bigint } | { readonly version: 6; readonly value: bigint };

/** Parses a URL host as an IP literal; returns undefined for domain names. */
export function parseIpHost(host: string): IpLiteral | undefined {
  if (host.startsWith("[") && host.endsWith("]")) {
    const value = parseIpv6(host.slice(1, -1));
    return value === undefined ? undefined : { version: 6, value };
  }
  const value = parseIpv4(host);
  return value === undefined ? undefined : { version: 4, value };
}

/** Python's `ip_address(host).is_global`. */
export function isGlobalIp(ip: IpLiteral): boolean {
  if (ip.version === 4) {
    return !contains(IPV4_SHARED, ip.value, IPV4_BITS) && !isPrivateIpv4(ip.value);
  }
  const mapped = ipv4Mapped(ip.value);
  if (mapped !== undefined) {
    return isGlobalIp({ version: 4, value: mapped });
  }
  return !isPrivate(ip.value, IPV6_PRIVATE, IPV6_PRIVATE_EXCEPTIONS, IPV6_BITS);
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback: what `allowLoopbackUrls` lets through. */
export function isLoopbackIp(ip: IpLiteral): boolean {
  if (ip.version === 4) {
    return contains(IPV4_LOOPBACK, ip.value, IPV4_BITS);
  }
  const mapped = ipv4Mapped(ip.value);
  if (mapped !== undefined) {
    return contains(IPV4_LOOPBACK, mapped, IPV4_BITS);
  }
  return contains(IPV6_LOOPBACK, ip.value, IPV6_BITS);
}

function isPrivateIpv4(value: bigint): boolean {
  return isPrivate(value, IPV4_PRIVATE, IPV4_PRIVATE_EXCEPTIONS, IPV4_BITS);
}

function isPrivate(
  value: bigint,
  networks: readonly Network[],
  exceptions: readonly Network[],
  bits: number,
): boolean {
  return (
    networks.some((network) => contains(network, value, bits)) &&
    !exceptions.some((network) => contains(network, value, bits))
  );
}

function ipv4Mapped(value: bigint): bigint | undefined {
  return contains(IPV4_MAPPED, value, IPV6_BITS) ? value & 0xffffffffn : undefined;
}

function contains(network: Network, value: bigint, bits: number): boolean {
  const shift = BigInt(bits - network.prefix);
  return value >> shift === network.base >> shift;
}

function parseCidr(cidr: string, bits: number): Network {
  const [address, prefix] = cidr.split("/");
  const base = bits === IPV4_BITS ? parseIpv4(address ?? "") : parseIpv6(address ?? "");
  if (base === undefined || prefix === undefined) {
    throw new Error(`invalid network literal ${cidr}`);
  }
  return { base, prefix: Number(prefix) };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) {
    return undefined;
  }
  let value = 0n;
  for (const part of parts) {
    const octet = Number(part);
    if (octet > 255) {
      return undefined;
    }
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) {
    return undefined;
  }
  const head = splitGroups(halves[0] ?? "");
  const tail = halves.length === 2 ? splitGroups(halves[1] ?? "") : [];
  if (head === undefined || tail === undefined) {
    return undefined;
  }
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) {
    return undefined;
  }
  const groups = [
    ...head,
    ...new Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...tail,
  ];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

function splitGroups(text: string): number[] | undefined {
  if (text === "") {
    return [];
  }
  const groups = text.split(":");
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) {
    return undefined;
  }
  return groups.map((group) => parseInt(group, 16));
}
