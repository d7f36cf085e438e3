// The one zone-graph model the web page and the diagrams draw (src/report/zone-model.ts), on a
// hand-built network whose nodes, edges, bands and boxes are worked out below.

import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/model/load.ts';
import { focusModel, summarise, zoneModel } from '../../src/report/zone-model.ts';

// A core router with a server zone; a My Number firewall with two zones; three floor firewalls
// of LGWAN with two zones each, the third's second zone also reached by a stray switch; an edge
// firewall joining the server zone to the Internet side and the public Internet. The switch is
// managed in lg-srv (its zone:) but attached to lg-3b only: no edge to lg-srv.
//
//   mn-a mn-b        lg-1a lg-1b   lg-2a lg-2b   lg-3a lg-3b--hub
//      \ /              \ /           \ /           \ /
//      f-mn              f1            f2            f3
//        \________________\____________|____________/      (links)
//                                    core
//                                     |
//                                   lg-srv
//                                     |
//                                   in-fw
//                                   /    \
//                                inet    pub
const NETWORK = `bunkatsu: 1
name: model
model: alpha
zones:
  - { id: mn-a, domain: mynumber, subnets: [10.1.1.0/24] }
  - { id: mn-b, domain: mynumber, subnets: [10.1.2.0/24] }
  - { id: lg-srv, domain: lgwan, subnets: [10.2.0.0/24] }
  - { id: lg-1a, domain: lgwan, subnets: [10.2.11.0/24] }
  - { id: lg-1b, domain: lgwan, subnets: [10.2.12.0/24] }
  - { id: lg-2a, domain: lgwan, subnets: [10.2.21.0/24] }
  - { id: lg-2b, domain: lgwan, subnets: [10.2.22.0/24] }
  - { id: lg-3a, domain: lgwan, subnets: [10.2.31.0/24] }
  - { id: lg-3b, domain: lgwan, subnets: [10.2.32.0/24] }
  - { id: inet, domain: internet, subnets: [10.3.0.0/24] }
  - { id: pub, domain: public-internet, subnets: [203.0.113.0/24] }
hosts:
  - { id: t1, zone: lg-1a, address: 10.2.11.10 }
  - { id: t2, zone: lg-1a, address: 10.2.11.11 }
  - { id: t3, zone: lg-2b, address: 10.2.22.10 }
devices:
  - { id: core, kind: router, interfaces: [{ name: srv, zone: lg-srv }, { name: p0 }, { name: p1 }, { name: p2 }, { name: p3 }] }
  - { id: f-mn, kind: firewall, interfaces: [{ name: a, zone: mn-a }, { name: b, zone: mn-b }, { name: up }] }
  - { id: f1, kind: firewall, interfaces: [{ name: a, zone: lg-1a }, { name: b, zone: lg-1b }, { name: up }] }
  - { id: f2, kind: firewall, interfaces: [{ name: a, zone: lg-2a }, { name: b, zone: lg-2b }, { name: up }] }
  - { id: f3, kind: firewall, interfaces: [{ name: a, zone: lg-3a }, { name: b, zone: lg-3b }, { name: up }] }
  - { id: in-fw, kind: firewall, interfaces: [{ name: lg, zone: lg-srv }, { name: in, zone: inet }, { name: out, zone: pub }] }
  - { id: hub, kind: switch, zone: lg-srv, interfaces: [{ name: port1, zone: lg-3b }] }
links:
  - [core:p0, f-mn:up]
  - [core:p1, f1:up]
  - [core:p2, f2:up]
  - [core:p3, f3:up]
`;
const network = loadTopology(NETWORK, 'model.yaml');
const model = zoneModel(network);
const pairs = (edges: readonly { source: string; target: string; kind: string }[]): string[] =>
  edges.map((e) => `${[e.source, e.target].sort().join(' ')} ${e.kind}`).sort();

describe('zoneModel', () => {
  it('has every zone with its hosts counted, then every device, banded by domain', () => {
    expect(model.bands).toEqual([
      { id: 'mynumber', domains: ['mynumber'] },
      { id: 'lgwan', domains: ['lgwan'] },
      { id: 'internet', domains: ['internet'] },
      { id: 'external', domains: ['public-internet'] },
    ]);
    expect(model.nodes.map((n) => n.id)).toEqual([...network.zones.map((z) => z.id), 'core', 'f-mn', 'f1', 'f2', 'f3', 'in-fw', 'hub']);
    const node = (id: string) => model.nodes.find((n) => n.id === id)!;
    // t1 and t2 in lg-1a; no host is a node.
    expect(node('lg-1a')).toMatchObject({ kind: 'zone', domain: 'lgwan', band: 1, inBand: true, hosts: 2 });
    expect(model.nodes.some((n) => n.id === 't1')).toBe(false);
    // core's one zone is lg-srv: drawn in LGWAN. in-fw reaches three domains (lgwan, internet,
    // public-internet, one zone each): between bands, its domain the first of the tie.
    expect(node('core')).toMatchObject({ kind: 'router', domain: 'lgwan', inBand: true, hosts: 0 });
    expect(node('in-fw')).toMatchObject({ kind: 'firewall', domain: 'lgwan', inBand: false });
    expect(node('pub')).toMatchObject({ band: 3 });
  });

  it('joins each device to its zones and its link peers, each pair once', () => {
    // 2 zones each for f-mn, f1, f2, f3 (8), lg-srv for core, 3 for in-fw, 1 for hub: 13 attachments; 4 links.
    expect(pairs(model.edges)).toEqual(
      [
        'f-mn mn-a attach',
        'f-mn mn-b attach',
        'f1 lg-1a attach',
        'f1 lg-1b attach',
        'f2 lg-2a attach',
        'f2 lg-2b attach',
        'f3 lg-3a attach',
        'f3 lg-3b attach',
        'core lg-srv attach',
        'in-fw lg-srv attach',
        'in-fw inet attach',
        'in-fw pub attach',
        'hub lg-3b attach',
        'core f-mn link',
        'core f1 link',
        'core f2 link',
        'core f3 link',
      ].sort(),
    );
  });
});

describe('summarise', () => {
  it('draws every node alone up to the limit of zones', () => {
    const s = summarise(model, 11);
    expect(s.nodes.map((n) => n.members)).toEqual(model.nodes.map((n) => [n.id]));
    expect(pairs(s.edges)).toEqual(pairs(model.edges));
  });

  it('past it, counts alike zones, and alike devices with their own zones, as one box', () => {
    const s = summarise(model, 4);
    // Rule 1 (domain and devices): mn-a+mn-b (f-mn), lg-1a+lg-1b (f1), lg-2a+lg-2b (f2); lg-3a (f3)
    // and lg-3b (f3, hub) differ; inet and pub differ in domain.
    // Rule 2: f1 and f2 are firewalls of LGWAN linked to core alone, each with LGWAN zones of its
    // own: one box, and their zones one box. f3's other neighbours are core and lg-3b: alone.
    // f-mn is of another domain; core and hub have no zone of their own.
    expect(s.nodes.map((n) => [n.id, n.members.join(' ')])).toEqual([
      ['mn-a', 'mn-a mn-b'],
      ['lg-srv', 'lg-srv'],
      ['lg-1a', 'lg-1a lg-1b lg-2a lg-2b'],
      ['lg-3a', 'lg-3a'],
      ['lg-3b', 'lg-3b'],
      ['inet', 'inet'],
      ['pub', 'pub'],
      ['core', 'core'],
      ['f-mn', 'f-mn'],
      ['f1', 'f1 f2'],
      ['f3', 'f3'],
      ['in-fw', 'in-fw'],
      ['hub', 'hub'],
    ]);
    // t1, t2 in lg-1a and t3 in lg-2b.
    expect(s.nodes.find((n) => n.id === 'lg-1a')!.hosts).toBe(3);
    // f2's edges fold into f1's: 17 edges become 12.
    expect(pairs(s.edges)).toEqual(
      [
        'f-mn mn-a attach',
        'f1 lg-1a attach',
        'f3 lg-3a attach',
        'f3 lg-3b attach',
        'core lg-srv attach',
        'in-fw lg-srv attach',
        'in-fw inet attach',
        'in-fw pub attach',
        'hub lg-3b attach',
        'core f-mn link',
        'core f1 link',
        'core f3 link',
      ].sort(),
    );
  });
});

describe('focusModel', () => {
  it('keeps what is at most depth edges from a device, a zone or a domain', () => {
    const ids = (focus: string, depth: number) => focusModel(model, focus, depth)?.nodes.map((n) => n.id);
    expect(ids('f3', 1)).toEqual(['lg-3a', 'lg-3b', 'core', 'f3']);
    expect(ids('lg-3b', 1)).toEqual(['lg-3b', 'f3', 'hub']);
    expect(ids('mynumber', 0)).toEqual(['mn-a', 'mn-b']);
    expect(ids('mynumber', 2)).toEqual(['mn-a', 'mn-b', 'core', 'f-mn']);
    expect(pairs(focusModel(model, 'f3', 1)!.edges)).toEqual(['core f3 link', 'f3 lg-3a attach', 'f3 lg-3b attach']);
    expect(focusModel(model, 'nowhere', 2)).toBeUndefined();
  });
});
