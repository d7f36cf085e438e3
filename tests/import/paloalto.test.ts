// The Palo Alto importer: the XML reader (positions, entities, malformed text at its
// line:column), and the PAN-OS reading of zones, objects, the security rulebase with its
// defaults, routes and vsys. Expected values are worked out by hand from the configurations in
// the comments.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import type { ConfigDevice, ConfigRule } from '../../src/import/config.ts';
import { parsePaloalto } from '../../src/import/paloalto.ts';
import { parseXml } from '../../src/import/xml.ts';
import { ALL } from '../../src/net/intervals.ts';
import { at, ip } from './helpers.ts';

const PA01 = 'tests/fixtures/import/paloalto/pa01.xml';
const pa01Text = readFileSync(resolve(PA01), 'utf8');

const set = (...ranges: string[]): number[] =>
  ranges.flatMap((r) => {
    const [lo, hi = lo] = r.split('-');
    return [ip(lo!), ip(hi!)];
  });
const ruleById = (d: ConfigDevice, id: string): ConfigRule | undefined => d.rules.find((r) => r.id === id);

/** A one-vsys firewall: ethernet1/1 in zone "in" (10.0.0.1/24), 1/2 and 1/3 in zone "out", then the vsys body. */
function config(vsysBody: string, extraVsys = ''): string {
  return `<config>
<devices><entry name="localhost.localdomain">
<network><interface><ethernet>
<entry name="ethernet1/1"><layer3><ip><entry name="10.0.0.1/24"/></ip></layer3></entry>
<entry name="ethernet1/2"><layer3><ip><entry name="192.0.2.1/24"/></ip></layer3></entry>
<entry name="ethernet1/3"><layer3><ip><entry name="198.51.100.1/24"/></ip></layer3></entry>
</ethernet></interface></network>
<vsys><entry name="vsys1">
<zone>
<entry name="in"><network><layer3><member>ethernet1/1</member></layer3></network></entry>
<entry name="out"><network><layer3><member>ethernet1/2</member><member>ethernet1/3</member></layer3></network></entry>
</zone>
${vsysBody}
</entry>${extraVsys}</vsys>
</entry></devices>
</config>
`;
}

/** A security rule from zone "in" to zone "out" with the given inner elements. */
const rule = (name: string, body: string): string => `<entry name="${name}"><from><member>in</member></from><to><member>out</member></to>${body}</entry>`;
const rules = (...entries: string[]): string => `<rulebase><security><rules>\n${entries.join('\n')}\n</rules></security></rulebase>`;
const ANY = '<source><member>any</member></source><destination><member>any</member></destination><service><member>any</member></service>';

function device(text: string): { device: ConfigDevice; warnings: string[] } {
  const { devices, warnings } = parsePaloalto(text, 'pa.xml', 'pa');
  expect(devices).toHaveLength(1);
  return { device: devices[0]!, warnings: warnings.map((w) => `${at(w.loc)} ${w.en}`) };
}

function refused(text: string): { code: string; at: string; message: string } {
  try {
    parsePaloalto(text, 'bad.xml', 'pa');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.diagnostics).toHaveLength(1);
    const d = error.diagnostics[0]!;
    return { code: d.code, at: `${d.loc.file}:${d.loc.line}:${d.loc.column}`, message: d.message };
  }
  throw new Error('accepted');
}

describe('XML reader', () => {
  it('keeps the line:column of every element, decodes entities and CDATA, skips comments and the declaration', () => {
    const root = parseXml('<?xml version="1.0"?>\n<!-- c -->\n<a x="1 &amp; 2">\n  <b>&lt;t&#65;&gt;</b><c><![CDATA[<raw>]]></c>\n</a>\n', 'x.xml');
    expect(root.name).toBe('a');
    expect(root.attributes.get('x')).toBe('1 & 2');
    expect(root.loc).toEqual({ file: 'x.xml', line: 3, column: 1 });
    expect(root.children.map((c) => [c.name, c.text, `${c.loc.line}:${c.loc.column}`])).toEqual([
      ['b', '<tA>', '4:3'],
      ['c', '<raw>', '4:24'],
    ]);
  });

  it.each([
    ['a closing tag that does not match', '<a>\n  <b></c>\n</a>', 'x.xml:2:6', /"<\/c>" does not match "<b>" at line 2:3/],
    ['an element never closed', '<a>\n  <b>\n</a>', 'x.xml:3:1', /"<\/a>" does not match "<b>" at line 2:3/],
    ['a root never closed', '<a>\n  <b/>\n', 'x.xml:1:1', /"<a>" is never closed/],
    ['a bare ampersand', '<a>\n  fish & chips</a>', 'x.xml:2:8', /bare "&"/],
    ['an unquoted attribute', '<a name=x/>', 'x.xml:1:9', /must be quoted/],
    ['text after the root', '<a/>\nb', 'x.xml:2:1', /outside the root/],
    ['an unterminated comment', '<a><!-- x</a>', 'x.xml:1:4', /comment is never closed/],
  ])('refuses %s at its line:column', (_what, text, where, message) => {
    try {
      parseXml(text, 'x.xml');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      const d = (error as InputError).diagnostics[0]!;
      expect(`${d.loc.file}:${d.loc.line}:${d.loc.column}`).toBe(where);
      expect(d.message).toMatch(message);
    }
  });
});

describe('PAN-OS configuration', () => {
  it('reads pa01: interfaces, zones, nested groups, negation, disabled rules, defaults and routes', () => {
    const { devices, warnings } = parsePaloalto(pa01Text, PA01, 'pa01');
    expect(devices).toHaveLength(1);
    const d = devices[0]!;
    expect(d.id).toBe('pa01');
    expect(d.interfaces.map((f) => [f.name, f.vendorZone])).toEqual([
      ['ethernet1/1', 'untrust'],
      ['ethernet1/2', 'lg-zone'],
      ['ethernet1/3', 'lg-zone'],
      ['ethernet1/4', 'mn-zone'],
    ]);
    // Order as configured; old-mn-to-inet (disabled) is left out; no-update-site (a deny whose
    // destination is an FQDN, read as no address) is kept but matches nothing; the defaults close.
    expect(d.rules.map((r) => r.id)).toEqual([
      'lg-to-files',
      'lg-no-printers-out',
      'no-update-site',
      'lg-to-inet',
      'mn-apps-only',
      'mn-browse',
      'intrazone-default.lg-zone',
      'interzone-default',
    ]);
    // lg-all = lg-office-net (10.20.0.0/21) + lg-servers (a group of file-server 10.20.10.10).
    const inet = ruleById(d, 'lg-to-inet')!;
    expect(inet.src).toEqual(set('10.20.0.0-10.20.7.255', '10.20.10.10'));
    expect(at(inet.origin)).toBe(`${PA01}:185:17 rule "lg-to-inet"`);
    expect(inet.in).toEqual(['ethernet1/2', 'ethernet1/3']);
    expect(inet.out).toEqual(['ethernet1/1']);
    // web = service-http (tcp/80, tcp/8080) + service-https (tcp/443), in port order.
    expect(inet.services.map((t) => `${t.protoLo}/${t.portLo}-${t.portHi}`)).toEqual(['6/80-80', '6/443-443', '6/8080-8080']);
    // drop is a deny; the printers are an ip-range.
    expect(ruleById(d, 'lg-no-printers-out')).toMatchObject({ action: 'deny', src: set('10.20.7.100-10.20.7.150') });
    expect(ruleById(d, 'no-update-site')).toMatchObject({ action: 'deny', dst: [] });
    // negate-destination: every address but 10.20.0.0/21.
    expect(ruleById(d, 'mn-apps-only')!.dst).toEqual(set('0.0.0.0-10.19.255.255', '10.20.8.0-255.255.255.255'));
    // intrazone-default: between lg-zone's two interfaces; interzone-default denies the rest.
    expect(ruleById(d, 'intrazone-default.lg-zone')).toMatchObject({
      action: 'permit',
      in: ['ethernet1/2', 'ethernet1/3'],
      out: ['ethernet1/2', 'ethernet1/3'],
    });
    expect(ruleById(d, 'interzone-default')).toMatchObject({ action: 'deny', src: [...ALL], dst: [...ALL] });
    expect(ruleById(d, 'interzone-default')!.in).toBeUndefined();
    // Connected subnets, the default route, the discard route.
    expect(d.routes.map((r) => `${r.prefix.length} ${r.action} ${r.interfaces.join(',')}`)).toEqual([
      '30 forward ethernet1/1',
      '21 forward ethernet1/2',
      '24 forward ethernet1/3',
      '24 forward ethernet1/4',
      '0 forward ethernet1/1',
      '16 drop ',
    ]);
    // Warnings come in reading order; the CLI sorts them by place.
    expect(warnings.map((w) => `${w.loc.line}:${w.loc.column}`).sort((x, y) => Number.parseInt(x, 10) - Number.parseInt(y, 10))).toEqual([
      '114:15',
      '142:19',
      '180:32',
      '190:19',
      '220:28',
      '226:15',
    ]);
  });

  it('reads drop and reset-* as deny, warns of applications, and leaves out a deny limited to applications', () => {
    const { device: d, warnings } = device(
      config(
        rules(
          rule('r1', `${ANY}<action>reset-both</action>`),
          rule('apps-allow', `${ANY}<application><member>ssl</member></application><action>allow</action>`),
          rule('apps-deny', `${ANY}<application><member>bittorrent</member></application><action>deny</action>`),
        ),
      ),
    );
    expect(d.rules.map((r) => `${r.id} ${r.action}`)).toEqual(['r1 deny', 'apps-allow permit', 'intrazone-default.out permit', 'interzone-default deny']);
    expect(warnings).toEqual([
      'pa.xml:15:210 rule "apps-allow": applications (ssl) are not modelled (layer 7); the rule is read for every application',
      'pa.xml:16:209 rule "apps-deny": applications (bittorrent) are not modelled (layer 7); the deny is left out (not widened to every application)',
    ]);
  });

  it('refuses an entity that is not one of the five, and leaves out a rule without an action with a warning', () => {
    // "constructor" is a property of every object, not an XML entity.
    expect(() => parseXml('<a>&constructor;</a>', 'x.xml')).toThrow(/unknown entity "&constructor;"/);
    const { device: d, warnings } = device(config(rules(rule('no-action', ANY))));
    expect(ruleById(d, 'no-action')).toBeUndefined();
    expect(warnings).toEqual(['pa.xml:14:1 rule "no-action": no action; the rule is left out']);
  });

  it('reads application-default as any service in an allow and as none in a deny', () => {
    const svc = '<source><member>any</member></source><destination><member>any</member></destination><service><member>application-default</member></service>';
    const { device: d, warnings } = device(config(rules(rule('a', `${svc}<action>allow</action>`), rule('d', `${svc}<action>deny</action>`))));
    expect(ruleById(d, 'a')!.services).toHaveLength(1);
    expect(ruleById(d, 'a')!.services[0]).toMatchObject({ protoLo: 0, protoHi: 255 });
    expect(ruleById(d, 'd')!.services).toEqual([]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/every service/);
    expect(warnings[1]).toMatch(/no service/);
  });

  it('expands intrazone and interzone rule types per zone, and honours overridden defaults', () => {
    const body = `<rulebase><security><rules>
<entry name="iz"><rule-type>intrazone</rule-type><from><member>any</member></from><to><member>any</member></to>${ANY}<action>deny</action></entry>
<entry name="xz"><rule-type>interzone</rule-type><from><member>in</member><member>out</member></from><to><member>in</member><member>out</member></to>${ANY}<action>allow</action></entry>
</rules></security>
<default-security-rules><rules>
<entry name="intrazone-default"><action>deny</action></entry>
<entry name="interzone-default"><action>allow</action></entry>
</rules></default-security-rules></rulebase>`;
    const { device: d } = device(config(body));
    // intrazone: only zone "out" has two interfaces, but the rule applies per zone to every zone.
    expect(d.rules.map((r) => `${r.id} ${r.action} ${r.in} > ${r.out}`)).toEqual([
      'iz.in deny ethernet1/1 > ethernet1/1',
      'iz.out deny ethernet1/2,ethernet1/3 > ethernet1/2,ethernet1/3',
      'xz.in.out permit ethernet1/1 > ethernet1/2,ethernet1/3',
      'xz.out.in permit ethernet1/2,ethernet1/3 > ethernet1/1',
      'intrazone-default.out deny ethernet1/2,ethernet1/3 > ethernet1/2,ethernet1/3',
      'interzone-default permit undefined > undefined',
    ]);
    // An overridden default cites its own entry.
    expect(at(ruleById(d, 'interzone-default')!.origin)).toBe('pa.xml:19:1 default rule "interzone-default"');
  });

  it('negates the source, unions literal addresses, and reads a dynamic group or unknown zone per the action', () => {
    const body = `<address-group><entry name="dyn"><dynamic><filter>'tag'</filter></dynamic></entry></address-group>
${rules(
  rule(
    'neg',
    '<source><member>10.0.0.0/25</member><member>10.0.0.200-10.0.0.210</member></source><negate-source>yes</negate-source><destination><member>any</member></destination><service><member>any</member></service><action>allow</action>',
  ),
  rule(
    'dyn-allow',
    '<source><member>dyn</member></source><destination><member>any</member></destination><service><member>any</member></service><action>allow</action>',
  ),
  '<entry name="ghost-zone"><from><member>dmz</member></from><to><member>out</member></to><source><member>any</member></source><destination><member>any</member></destination><service><member>any</member></service><action>deny</action></entry>',
)}`;
    const { device: d, warnings } = device(config(body));
    expect(ruleById(d, 'neg')!.src).toEqual(set('0.0.0.0-9.255.255.255', '10.0.0.128-10.0.0.199', '10.0.0.211-255.255.255.255'));
    expect(ruleById(d, 'dyn-allow')!.src).toEqual([...ALL]);
    // A deny from a zone this vsys lacks matches nothing: left out.
    expect(ruleById(d, 'ghost-zone')).toBeUndefined();
    expect(warnings).toEqual([
      'pa.xml:13:34 address group "dyn" is dynamic (tag-based): its members are not known from the configuration',
      'pa.xml:16:94 rule "dyn-allow": address "dyn" cannot be read as IPv4 addresses; it stands for every address (the permit is not narrowed)',
      'pa.xml:17:32 rule "ghost-zone": zone "dmz" is not a zone of this vsys; read as no zone (so the deny does not widen)',
    ]);
  });

  it('makes one device per vsys with the interfaces of its zones', () => {
    const second = `<entry name="vsys2"><zone><entry name="dmz"><network><layer3><member>ethernet1/3</member></layer3></network></entry></zone></entry>`;
    // vsys1 keeps ethernet1/1 (zone in) and 1/2 (zone out); vsys2 has ethernet1/3 in its zone dmz.
    const text = config('', second).replace('<member>ethernet1/2</member><member>ethernet1/3</member>', '<member>ethernet1/2</member>');
    const { devices } = parsePaloalto(text, 'pa.xml', 'pa');
    expect(devices.map((x) => [x.id, x.interfaces.map((f) => f.name)])).toEqual([
      ['pa.vsys1', ['ethernet1/1', 'ethernet1/2']],
      ['pa.vsys2', ['ethernet1/3']],
    ]);
  });

  it.each([
    [
      'an address nobody defines',
      rules(
        rule(
          'r',
          '<source><member>ghost</member></source><destination><member>any</member></destination><service><member>any</member></service><action>allow</action>',
        ),
      ),
      'BNK_ERR_UNKNOWN_REF',
      'bad.xml:14:86',
      /address "ghost" is not defined/,
    ],
    [
      'a service nobody defines',
      rules(
        rule(
          'r',
          '<source><member>any</member></source><destination><member>any</member></destination><service><member>dns</member></service><action>allow</action>',
        ),
      ),
      'BNK_ERR_UNKNOWN_REF',
      'bad.xml:14:171',
      /service "dns" is not defined/,
    ],
    [
      'a group that contains itself',
      `<address-group><entry name="g"><static><member>g</member></static></entry></address-group>\n${rules(rule('r', '<source><member>g</member></source><destination><member>any</member></destination><service><member>any</member></service><action>allow</action>'))}`,
      'BNK_ERR_SYNTAX',
      'bad.xml:13:16',
      /contains itself/,
    ],
    [
      'a bad port',
      `<service><entry name="s"><protocol><tcp><port>80-70</port></tcp></protocol></entry></service>`,
      'BNK_ERR_SYNTAX',
      'bad.xml:13:41',
      /"80-70" is not a port range/,
    ],
  ])('refuses %s at its line:column', (_what, body, code, where, message) => {
    // The bad port is only read when a rule uses it.
    const text = config(
      body.startsWith('<service>')
        ? `${body}\n${rules(rule('r', '<source><member>any</member></source><destination><member>any</member></destination><service><member>s</member></service><action>allow</action>'))}`
        : body,
    );
    const r = refused(text);
    expect(r.code).toBe(code);
    expect(r.at).toBe(where);
    expect(r.message).toMatch(message);
  });

  it('refuses a static route metric that is not a whole number', () => {
    const text = config('').replace(
      '</ethernet></interface></network>',
      '</ethernet></interface><virtual-router><entry name="vr"><routing-table><ip><static-route><entry name="r"><destination>0.0.0.0/0</destination><interface>ethernet1/2</interface><metric>ten</metric></entry></static-route></ip></routing-table></entry></virtual-router></network>',
    );
    expect(refused(text)).toMatchObject({ at: 'bad.xml:7:176', message: 'static route "r" (virtual router "vr"): <metric> must be a whole number' });
  });

  it('refuses a document that is not a PAN-OS configuration', () => {
    expect(refused('<response status="success"/>').message).toMatch(/not <config>/);
  });
});

describe('PAN-OS set format', () => {
  const PA02 = 'tests/fixtures/import/paloalto/pa02.set';

  it('reads pa02: entries, member lists in brackets, subinterfaces, quoted names, a disabled rule and an overridden default', () => {
    const { devices, warnings } = parsePaloalto(readFileSync(resolve(PA02), 'utf8'), PA02, 'x');
    expect(warnings).toEqual([]);
    const d = devices[0]!;
    expect(d.id).toBe('pa02');
    expect(d.interfaces.map((f) => [f.name, f.vendorZone])).toEqual([
      ['ethernet1/1', 'servers'],
      ['ethernet1/2', 'backoffice'],
      ['ethernet1/2.20', 'backoffice'],
    ]);
    // no-printers is disabled; intrazone-default is overridden to deny (line 31) and applies to
    // backoffice only (servers has one interface).
    expect(d.rules.map((r) => `${r.id} ${r.action} ${at(r.origin)}`)).toEqual([
      `backoffice-to-files permit ${PA02}:15:29 rule "backoffice-to-files"`,
      `intrazone-default.backoffice deny ${PA02}:31:43 default rule "intrazone-default" (zone "backoffice")`,
      `interzone-default deny ${PA02}:15:14 default rule "interzone-default"`,
    ]);
    // bo = backoffice-net 10.30.0.0/16; file-server 10.20.10.10.
    expect(ruleById(d, 'backoffice-to-files')).toMatchObject({
      src: set('10.30.0.0-10.30.255.255'),
      dst: set('10.20.10.10'),
      in: ['ethernet1/2', 'ethernet1/2.20'],
      out: ['ethernet1/1'],
    });
    // The default route's two lines make one route (the interface found from the next hop).
    expect(d.routes.map((r) => `${r.prefix.length} ${r.interfaces.join(',')} ${r.origin.line}`)).toEqual([
      '24 ethernet1/1 3',
      '24 ethernet1/2 4',
      '24 ethernet1/2.20 5',
      '0 ethernet1/1 7',
    ]);
  });

  it('reads the same rules from set lines as from the XML they stand for', () => {
    const xml = config(
      rules(
        rule(
          'r',
          '<source><member>a</member></source><destination><member>any</member></destination><service><member>s</member></service><action>allow</action>',
        ),
      ),
    ).replace(
      '<rulebase>',
      '<address><entry name="a"><ip-range>10.0.0.5-10.0.0.9</ip-range></entry></address><service><entry name="s"><protocol><udp><port>53,123</port></udp></protocol></entry></service><rulebase>',
    );
    const setText = [
      'set network interface ethernet ethernet1/1 layer3 ip 10.0.0.1/24',
      'set network interface ethernet ethernet1/2 layer3 ip 192.0.2.1/24',
      'set network interface ethernet ethernet1/3 layer3 ip 198.51.100.1/24',
      'set zone in network layer3 ethernet1/1',
      'set zone out network layer3 [ ethernet1/2 ethernet1/3 ]',
      'set address a ip-range 10.0.0.5-10.0.0.9',
      'set service s protocol udp port 53,123',
      'set rulebase security rules r from in',
      'set rulebase security rules r to out',
      'set rulebase security rules r source a',
      'set rulebase security rules r destination any',
      'set rulebase security rules r service s',
      'set rulebase security rules r action allow',
    ].join('\n');
    const strip = (d: ConfigDevice): unknown => d.rules.map(({ origin: _o, ...r }) => r);
    expect(strip(device(setText).device)).toEqual(strip(device(xml).device));
  });

  it('refuses a line that is not a set command at its line:column', () => {
    expect(refused('set deviceconfig system hostname pa\n  delete address x\n')).toEqual({
      code: 'BNK_ERR_SYNTAX',
      at: 'bad.xml:2:3',
      message: 'unknown statement "delete" (expected set)',
    });
  });
});

describe('damaged input', () => {
  /** Either a configuration or an InputError with a location: never another exception. */
  function readsOrRefuses(text: string): void {
    try {
      parsePaloalto(text, 'cut.xml', 'pa');
    } catch (error) {
      if (!(error instanceof InputError)) throw new Error(`not an InputError for ${JSON.stringify(text.slice(-40))}: ${String(error)}`);
      expect(error.diagnostics[0]!.loc.line).toBeGreaterThan(0);
    }
  }

  it('pa01.xml and pa02.set cut short at every 97th character, or with one character removed, are read or refused with a location', () => {
    const pa02 = readFileSync(resolve('tests/fixtures/import/paloalto/pa02.set'), 'utf8');
    for (const text of [pa01Text, pa02]) {
      for (let at = 0; at < text.length; at += 97) {
        readsOrRefuses(text.slice(0, at));
        readsOrRefuses(text.slice(0, at) + text.slice(at + 1));
      }
    }
  });
});
