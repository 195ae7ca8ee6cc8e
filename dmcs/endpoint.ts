/**
 * Where a node listens or connects: the chain API, block replication, peers. Shared ground of the
 * node's folders (api/ serves on one, block/ replicates over one), so it sits in neither.
 */
export interface HttpEndpoint {
  host: string;
  port: number;
}

export function parseHostPort(s: string): HttpEndpoint {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new TypeError(`--http: expected HOST:PORT (e.g. 127.0.0.1:8888), got ${JSON.stringify(s)}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}
