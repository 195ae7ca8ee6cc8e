/**
 * Which package locations a release may make this host open. A location is the publisher's text,
 * not the user's: followed blindly, it makes every host that installs the release read a local
 * file or send a GET into the user's own network (a router's admin page, a service on loopback),
 * and an app that asks for the install hears how that went. So a store read from a DMCS on another
 * machine may name only `https://` locations on public addresses; the address checked is the one
 * connected to (a DNS lookup that refuses the others, on every redirect too), so a name that
 * resolves to 127.0.0.1 is refused as the literal would be. File paths, `http://` and addresses on
 * this machine or its networks are followed only for a store on this machine (its DMCS on
 * loopback: the user's own embedded node, whose publishers are the user's own accounts).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Addresses no public package server has: this machine, private and shared networks, link-local, multicast, reserved. */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: reaches IPv4 addresses
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');

/** True for an address a public server may have. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  // IPv4-mapped (::ffff:a.b.c.d, or its hex spelling): judged as that IPv4 address (BlockList
  // would match every IPv4 address against a mapped range, so it is not one of the ranges)
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (mapped) {
    if (mapped[1]) return isPublicAddress(mapped[1]);
    const hi = Number.parseInt(mapped[2]!, 16);
    const lo = Number.parseInt(mapped[3]!, 16);
    return isPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return !NOT_PUBLIC.check(address, 'ipv6');
}

/** Why `location` may not be followed for a store on another machine, or undefined when it may. */
export function remoteLocationProblem(location: string): string | undefined {
  if (!/^https:\/\//i.test(location))
    return 'a store on another machine may name only https:// locations (file paths and http:// are followed for a store on this machine)';
  let host: string;
  try {
    host = new URL(location).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'it is not a URL';
  }
  if (isIP(host) !== 0 && !isPublicAddress(host)) return 'it names an address on this machine or its network';
  if (/^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host)) return 'it names this machine';
  return undefined;
}

/**
 * A DNS lookup that answers only public addresses: a connection made with it never reaches this
 * machine or its networks, whatever the name resolves to (rebinding included: this is the address
 * connected to).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = (Array.isArray(addresses) ? addresses : []) as LookupAddress[];
    const ok = list.filter((a) => isPublicAddress(a.address));
    if (ok.length === 0) {
      const e = Object.assign(new Error(`${hostname} resolves to no public address`), { code: 'ENOTPUBLIC' });
      return callback(e, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
    callback(null, ok[0]!.address, ok[0]!.family);
  });
};

/** True when a DMCS at `url` is on this machine (a loopback host): its store's local locations are followed. */
export function dmcsIsLocal(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  } catch {
    return false;
  }
}
