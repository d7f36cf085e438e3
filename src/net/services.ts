// Protocols and well-known services as data, each with its source, and the parser for
// service expressions (`https`, `tcp/443`, `udp/1000-2000`, `icmp`, `any`).

/**
 * A frozen table with no prototype: looking up user text (`constructor`, `__proto__`) finds
 * only what the table itself declares.
 */
function table<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** IP protocol numbers (IANA "Assigned Internet Protocol Numbers"). */
export const PROTOCOLS: Readonly<Record<string, number>> = table({
  icmp: 1,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  sctp: 132,
});

/** Protocols whose headers carry ports; for the others the port dimension is not used. */
export const PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 132]);

export function protocolName(number: number): string {
  for (const [name, value] of Object.entries(PROTOCOLS)) if (value === number) return name;
  return `proto-${number}`;
}

/**
 * A protocol range with an inclusive destination-port range (0-65535 when ports do not
 * apply). Written services are single protocols; only `any` spans every protocol.
 */
export interface ServiceTerm {
  readonly protoLo: number;
  readonly protoHi: number;
  readonly portLo: number;
  readonly portHi: number;
}

export const PORT_MAX = 65535;
export const PROTO_MAX = 255;
export const ANY_SERVICE: ServiceTerm = { protoLo: 0, protoHi: PROTO_MAX, portLo: 0, portHi: PORT_MAX };

/**
 * Well-known services by name (IANA "Service Name and Transport Protocol Port Number
 * Registry", RFC 6335), limited to those that matter in municipal networks.
 */
export const WELL_KNOWN_SERVICES: Readonly<Record<string, readonly string[]>> = table({
  ftp: ['tcp/20-21'],
  ssh: ['tcp/22'],
  sftp: ['tcp/22'],
  telnet: ['tcp/23'],
  smtp: ['tcp/25'],
  dns: ['udp/53', 'tcp/53'],
  http: ['tcp/80'],
  kerberos: ['tcp/88', 'udp/88'],
  pop3: ['tcp/110'],
  ntp: ['udp/123'],
  imap: ['tcp/143'],
  snmp: ['udp/161'],
  ldap: ['tcp/389'],
  https: ['tcp/443'],
  smb: ['tcp/445'],
  syslog: ['udp/514'],
  submission: ['tcp/587'],
  ldaps: ['tcp/636'],
  imaps: ['tcp/993'],
  pop3s: ['tcp/995'],
  mssql: ['tcp/1433'],
  oracle: ['tcp/1521'],
  nfs: ['tcp/2049', 'udp/2049'],
  mysql: ['tcp/3306'],
  rdp: ['tcp/3389'],
  postgresql: ['tcp/5432'],
  'http-alt': ['tcp/8080'],
  ping: ['icmp'],
  icmp: ['icmp'],
});

/** The protocol number of a name (lower case), or undefined; never an inherited member. */
export function protocolNumber(name: string): number | undefined {
  return Object.hasOwn(PROTOCOLS, name) ? PROTOCOLS[name] : undefined;
}

/** The terms of a well-known service name (lower case), or undefined; never an inherited member. */
export function wellKnownService(name: string): readonly string[] | undefined {
  return Object.hasOwn(WELL_KNOWN_SERVICES, name) ? WELL_KNOWN_SERVICES[name] : undefined;
}

/** Parses `proto`, `proto/port` or `proto/lo-hi`; returns an error message otherwise. */
export function parseServiceTerm(text: string): ServiceTerm | { error: string } {
  const [protoText = '', portText, extra] = text.trim().toLowerCase().split('/');
  if (extra !== undefined) return { error: `"${text}" has more than one "/"` };
  let protocol = protocolNumber(protoText);
  if (protocol === undefined && /^[0-9]{1,3}$/.test(protoText) && Number(protoText) <= 255) {
    protocol = Number(protoText);
  }
  if (protocol === undefined) {
    return { error: `"${text}": unknown protocol "${protoText}" (use ${Object.keys(PROTOCOLS).join(', ')} or a number 0-255)` };
  }
  if (portText === undefined) return { protoLo: protocol, protoHi: protocol, portLo: 0, portHi: PORT_MAX };
  if (!PORT_PROTOCOLS.has(protocol)) return { error: `"${text}": protocol ${protoText} has no ports` };
  const match = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(portText);
  if (!match) return { error: `"${text}": ports must be a number or a range like 1000-2000` };
  const portLo = Number(match[1]);
  const portHi = match[2] === undefined ? portLo : Number(match[2]);
  if (portLo > PORT_MAX || portHi > PORT_MAX) return { error: `"${text}": ports run from 0 to ${PORT_MAX}` };
  if (portLo > portHi) return { error: `"${text}": reversed port range` };
  return { protoLo: protocol, protoHi: protocol, portLo, portHi };
}

export function formatServiceTerm(term: ServiceTerm): string {
  if (term.protoLo === 0 && term.protoHi === PROTO_MAX) return term.portLo === 0 && term.portHi === PORT_MAX ? 'any' : `any/${term.portLo}-${term.portHi}`;
  if (term.protoLo !== term.protoHi) return `proto-${term.protoLo}-${term.protoHi}`;
  const proto = protocolName(term.protoLo);
  if (!PORT_PROTOCOLS.has(term.protoLo) || (term.portLo === 0 && term.portHi === PORT_MAX)) return proto;
  return term.portLo === term.portHi ? `${proto}/${term.portLo}` : `${proto}/${term.portLo}-${term.portHi}`;
}

export type ServiceLookup =
  | { readonly ok: true; readonly terms: readonly ServiceTerm[] }
  | { readonly ok: false; readonly unknown: boolean; readonly error: string };

/**
 * Resolves one service reference: `any`, a name declared in the topology, a well-known
 * name, or protocol[/ports]. `unknown` tells a name nobody declared from a malformed term.
 */
export function lookupService(ref: string, named: ReadonlyMap<string, readonly ServiceTerm[]>): ServiceLookup {
  const name = ref.trim().toLowerCase();
  if (name === 'any') return { ok: true, terms: [ANY_SERVICE] };
  const declared = named.get(name);
  if (declared) return { ok: true, terms: declared };
  const builtin = wellKnownService(name);
  if (builtin) return { ok: true, terms: builtin.map((t) => parseServiceTerm(t) as ServiceTerm) };
  if (!name.includes('/') && !/^[0-9]+$/.test(name) && protocolNumber(name) === undefined) {
    return { ok: false, unknown: true, error: `unknown service "${ref}" (declare it under services: or write protocol/port, e.g. tcp/8443)` };
  }
  const parsed = parseServiceTerm(ref);
  return 'error' in parsed ? { ok: false, unknown: false, error: parsed.error } : { ok: true, terms: [parsed] };
}
