import dns from "node:dns";
import net from "node:net";
import { AppError } from "../shared/errors";

/**
 * Keeps webhooks from being used to reach the gateway's own network (SSRF). A target is refused when its host is, or
 * resolves to, an address in a range that is not the public internet: private (RFC 1918, IPv6 unique-local), loopback,
 * link-local (which holds the cloud metadata service at 169.254.169.254 and fd00:ec2::254), carrier-grade NAT (which
 * holds Alibaba Cloud's 100.100.100.200), "this network", multicast, reserved and documentation ranges, and the IPv6
 * forms that tunnel to an IPv4 host (NAT64, 6to4, Teredo); an IPv4-mapped address is judged by the IPv4 address it
 * carries. The operator can allow private targets
 * (`allowPrivate`, the gateway's --webhook-allow-private) for a closed network or for tests.
 *
 * The check runs twice: when a webhook is registered (so the owner is told at once), and again at every connection
 * through {@link guardedLookup}, so a DNS name that later re-points to an internal address (DNS rebinding) is still
 * refused. Redirects are never followed, so a public target cannot bounce a delivery inward either.
 */
const BLOCKED = new net.BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  BLOCKED.addSubnet(prefix, bits, "ipv4");
}
for (const [prefix, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  BLOCKED.addSubnet(prefix, bits, "ipv6");
}

/** True when `ip` (an IPv4 or IPv6 literal) is not a public internet address. */
export function isBlockedAddress(ip: string): boolean {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  const family = net.isIP(bare);
  if (family === 0) throw new AppError("invalid", "NOT_AN_IP_ADDRESS", `"${ip}" is not an IP address.`);
  // BlockList judges an IPv4-mapped IPv6 address (::ffff:10.0.0.1, ::ffff:a00:1) by the IPv4 rules, as the
  // connection it makes reaches that IPv4 host; a /96 rule for ::ffff:0:0 would therefore block every IPv4 address.
  return BLOCKED.check(bare, family === 6 ? "ipv6" : "ipv4");
}

export interface TargetPolicy {
  allowPrivate: boolean;
  /** Resolves a host name to all its addresses; dns.lookup by default (tests give their own). */
  resolve?: (hostname: string) => Promise<string[]>;
}

const systemResolve = async (hostname: string): Promise<string[]> =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

function refused(url: string, address: string): AppError {
  return new AppError(
    "unprocessable",
    "WEBHOOK_TARGET_PRIVATE",
    `The webhook target ${url} reaches ${address}, a private, loopback, link-local or reserved address; only public addresses are allowed.`,
    { address },
  );
}

/**
 * Parses and vets a webhook URL: http or https, no fragment, and every address its host resolves to public (unless
 * private targets are allowed). Returns the parsed URL.
 */
export async function checkWebhookUrl(raw: string, policy: TargetPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("invalid", "WEBHOOK_URL_INVALID", `"${raw}" is not a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AppError("invalid", "WEBHOOK_URL_INVALID", `A webhook URL must be http or https, not ${url.protocol.replace(/:$/, "")}.`);
  }
  if (url.hash) throw new AppError("invalid", "WEBHOOK_URL_INVALID", "A webhook URL cannot have a #fragment.");
  if (policy.allowPrivate) return url;
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  if (net.isIP(host) !== 0) {
    if (isBlockedAddress(host)) throw refused(raw, host);
    return url;
  }
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? systemResolve)(host);
  } catch (e) {
    throw new AppError("unprocessable", "WEBHOOK_HOST_UNRESOLVED", `The webhook host ${host} could not be resolved.`, { cause: (e as Error).message });
  }
  if (addresses.length === 0) throw new AppError("unprocessable", "WEBHOOK_HOST_UNRESOLVED", `The webhook host ${host} has no address.`);
  const bad = addresses.find((a) => isBlockedAddress(a));
  if (bad) throw refused(raw, bad);
  return url;
}

/**
 * A `lookup` for http.request that refuses, at connection time, any host that resolves to a blocked address, so
 * the address vetted is the address connected to. (Node does not call `lookup` for an IP literal; the deliverer
 * checks literals itself with {@link isBlockedAddress}.)
 */
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list = addresses as dns.LookupAddress[];
      const bad = allowPrivate ? undefined : list.find((a) => isBlockedAddress(a.address));
      if (bad) {
        // AppError carries code WEBHOOK_TARGET_PRIVATE, which is what the deliverer records for the attempt.
        return callback(refused(hostname, bad.address), "", 0);
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
      if (options.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}
