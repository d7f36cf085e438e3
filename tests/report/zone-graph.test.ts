// The zone graph of the web page: zones (not hosts) banded by domain, devices between their
// zones, links, sanitized channels; and every witness path of a check walks along its edges.

import { describe, expect, it } from 'vitest';
import { zoneDiagram, zoneGraph } from '../../src/index.ts';
import { generateTopology } from '../../src/generate/generate.ts';
import { loadTopology } from '../../src/model/load.ts';
import { type Plain, toJson } from '../../src/model/write.ts';
import { checkSample, loadSample, seedPack } from '../helpers.ts';

describe('zoneGraph', () => {
  const network = loadSample('topologies/alpha-city.yaml');
  const graph = zoneGraph(network, seedPack().domains);
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;

  it('has one node per zone and per device, and none for hosts', () => {
    // alpha-city.yaml: 14 zones, 12 devices, 24 hosts and host groups.
    expect(graph.nodes.filter((n) => n.kind === 'zone')).toHaveLength(network.zones.length);
    expect(graph.nodes.filter((n) => n.kind !== 'zone')).toHaveLength(network.devices.length);
    for (const h of network.hosts) expect(graph.nodes.some((n) => n.id === h.id)).toBe(false);
    // lg-office holds the terminals lg-office-terminals and lg-admin-terminals.
    expect(node('lg-office').hosts).toBe(network.hosts.filter((h) => network.zones[h.zone]!.id === 'lg-office').length);
    expect(node('lg-office').hosts).toBeGreaterThan(0);
  });

  it('bands the zones by domain: マイナンバー利用事務系, LGWAN接続系, インターネット接続系, then the externals, top to bottom', () => {
    expect(graph.bands.map((b) => b.id)).toEqual(['mynumber', 'lgwan', 'internet', 'external']);
    expect(graph.bands[3]!.domains).toContain('public-internet');
    for (const n of graph.nodes.filter((x) => x.kind === 'zone')) {
      const band = graph.bands[n.band]!;
      expect(band.domains).toContain(n.domain);
      expect(n.y).toBeGreaterThanOrEqual(band.top);
      expect(n.y).toBeLessThanOrEqual(band.bottom);
    }
    for (let i = 1; i < graph.bands.length; i++) expect(graph.bands[i]!.top).toBeGreaterThan(graph.bands[i - 1]!.bottom);
    expect(graph.domains.lgwan).toEqual({ ja: 'LGWAN接続系', en: 'LGWAN-connected systems' });
  });

  it('attaches each device to the zones of its interfaces and links devices by their cables', () => {
    const has = (a: string, b: string, kind: string) =>
      graph.edges.some((e) => e.kind === kind && ((e.source === a && e.target === b) || (e.source === b && e.target === a)));
    // san-file has interfaces in lg-sanitize and inet-sanitize.
    expect(has('san-file', 'lg-sanitize', 'attach')).toBe(true);
    expect(has('san-file', 'inet-sanitize', 'attach')).toBe(true);
    expect(node('san-file')).toMatchObject({ kind: 'sanitizer', method: 'file-sanitization' });
    for (const l of network.links) expect(has(network.devices[l.a.device]!.id, network.devices[l.b.device]!.id, 'link')).toBe(true);
    const ids = new Set(graph.nodes.map((n) => n.id));
    for (const e of graph.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
  });

  it("lists each sanitizer relay as a channel: san-file takes smb in from inet-sanitize and delivers to lg-file-server's zone", () => {
    expect(graph.channels).toContainEqual({
      sanitizer: 'san-file',
      method: 'file-sanitization',
      from: 'inet-sanitize',
      to: ['lg-servers'],
      services: ['tcp/445'],
    });
    expect(graph.channels).toHaveLength(network.devices.flatMap((d) => (d.kind === 'sanitizer' ? d.relays : [])).length);
  });

  it('every hop of a witness path is a node, and consecutive hops are joined by an edge (so the page can highlight the path)', () => {
    const { network: violating, report } = checkSample('topologies/violations/path-separation.yaml');
    const g = zoneGraph(violating);
    const joined = new Set(g.edges.flatMap((e) => [`${e.source} ${e.target}`, `${e.target} ${e.source}`]));
    const findings = report.findings.filter((f) => f.rule === 'path-separation');
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      const paths = f.classes.flatMap((c) =>
        c.witness ? [c.witness.hops.map((h) => ({ id: h.kind === 'zone' ? violating.zones[h.zone]!.id : violating.devices[h.device]!.id }))] : [],
      );
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) {
        for (const h of path) expect(g.nodes.some((n) => n.id === h.id)).toBe(true);
        for (let i = 1; i < path.length; i++) expect(joined.has(`${path[i - 1]!.id} ${path[i]!.id}`), `${path[i - 1]!.id} → ${path[i]!.id}`).toBe(true);
      }
    }
  });

  it('is the graph the diagrams draw: the same nodes, edges and bands, and past 60 zones each node names its box', () => {
    const pack = seedPack();
    const strip = (id: string) => id.replace(/^(zone|device):/, '');
    const diagram = zoneDiagram(network, pack.domains, 'en')!;
    expect(diagram.nodes.map((n) => strip(n.id))).toEqual(graph.nodes.map((n) => n.id));
    const pairs = (list: [string, string][]) => list.map((p) => [...p].sort().join(' ')).sort();
    expect(pairs(diagram.edges.map((e) => [strip(e.from), strip(e.to)]))).toEqual(pairs(graph.edges.map((e) => [e.source, e.target])));
    expect([...new Set(diagram.bands.map((b) => b.row))]).toEqual(graph.bands.map((b) => b.id));
    for (const n of graph.nodes) expect(n.box).toBe(n.id);
    // The generated city (1,010 zones): every node of the page is counted in a box of the document.
    const generated = generateTopology({ scale: 'city', seed: 1, model: 'alpha', violations: true });
    const city = loadTopology(toJson(generated.topology as unknown as Record<string, Plain>), 'city.json', { domains: new Set(Object.keys(pack.domains)) });
    const page = zoneGraph(city, pack.domains);
    const boxes = new Set(zoneDiagram(city, pack.domains, 'en')!.nodes.map((n) => strip(n.id)));
    expect(page.nodes).toHaveLength(1010 + 154);
    for (const n of page.nodes) expect(boxes.has(n.box), n.id).toBe(true);
    expect(new Set(page.nodes.map((n) => n.box)).size).toBe(boxes.size);
  });
});
