// Flows files (src/model/flows.ts): intents, exceptions and cloud services kept beside a
// topology join its own, and every diagnostic and finding about them points into the flows file;
// a review keeps them in the network after the change. The sample is
// topologies/flows/alpha-city-kikaku.yaml for topologies/alpha-city.yaml.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES, type Diagnostic, loadTopology, readSource, runCheck, type SourceDocument } from '../../src/index.ts';
import { loadReviewTopology, reviewChange } from '../../src/review/run.ts';
import { positionOf, refusal, ROOT, runCli, seedPack, TODAY } from '../helpers.ts';

const TOPOLOGY = 'topologies/alpha-city.yaml';
const FLOWS = 'topologies/flows/alpha-city-kikaku.yaml';
const text = (file: string): string => readFileSync(resolve(ROOT, file), 'utf8');
const doc = (body: string, file: string): SourceDocument => {
  const read = readSource(body, file);
  if (!read.ok) throw new Error(file);
  return read.doc;
};
const domains = new Set(Object.keys(seedPack().domains));
const load = (flows: string, file = 'flows.yaml') => loadTopology(text(TOPOLOGY), TOPOLOGY, { domains, flows: [doc(flows, file)] });
const where = (d: Diagnostic): string => `${d.loc.file}:${d.loc.line}:${d.loc.column} ${d.code} ${d.message}`;

describe('flows files', () => {
  it("adds the file's intents after the topology's, each located in the flows file", () => {
    const plain = loadTopology(text(TOPOLOGY), TOPOLOGY, { domains });
    const network = loadTopology(text(TOPOLOGY), TOPOLOGY, { domains, flows: [doc(text(FLOWS), FLOWS)] });
    expect(network.intents.length).toBe(plain.intents.length + 2);
    const added = network.intents.slice(plain.intents.length);
    expect(added.map((i) => `${i.id} ${i.loc.file}:${i.loc.line}`)).toEqual([
      `kikaku-file ${FLOWS}:${positionOf(text(FLOWS), 'id: kikaku-file').line}`,
      `kikaku-cms-direct ${FLOWS}:${positionOf(text(FLOWS), 'id: kikaku-cms-direct').line}`,
    ]);
    // The topology's own intents keep their places in the topology.
    expect(network.intents[0]!.loc).toEqual(plain.intents[0]!.loc);
  });

  it('a finding about an added intent points into the flows file', () => {
    const network = loadTopology(text(TOPOLOGY), TOPOLOGY, { domains, flows: [doc(text(FLOWS), FLOWS)] });
    const report = runCheck(network, seedPack(), { engineFactory: ENGINES.fast!, today: TODAY });
    const at = positionOf(text(FLOWS), 'id: kikaku-cms-direct');
    // lg-office-terminals → inet-web-cms crosses from LGWAN to the Internet side with no sanitizer.
    expect(report.findings.map((f) => `${f.rule} ${f.loc.file}:${f.loc.line}:${f.loc.column}`)).toEqual([
      `sanitized-communication ${FLOWS}:${at.line}:${at.column}`,
    ]);
  });

  it("refuses a wrong top level, each problem at its line, and reads none of the file's items", () => {
    const body = 'bunkatsu-flows: 2\ntopology: 5\nintents: {}\nzones: []\n';
    expect(refusal(() => load(body), 'flows.yaml').map(where)).toEqual([
      'flows.yaml:1:17 BNK_ERR_SCHEMA "bunkatsu-flows" must be 1 (the flows file format this bunkatsu reads), not 2',
      'flows.yaml:4:1 BNK_ERR_SCHEMA unknown field "zones" in a flows file (known: $schema, bunkatsu-flows, topology, description, intents, exceptions, cloudServices)',
      'flows.yaml:2:11 BNK_ERR_SCHEMA "topology" is text',
      'flows.yaml:3:10 BNK_ERR_SCHEMA "intents" is a list',
    ]);
    const notMapping = refusal(() => load('- 1\n'), 'flows.yaml');
    expect(notMapping.map((d) => d.code)).toEqual(['BNK_ERR_SCHEMA']);
    expect(notMapping[0]!.ja).toContain('フローファイル');
  });

  it("reports an item's schema and reference errors, and ids the topology already uses, in the flows file", () => {
    const body = [
      'bunkatsu-flows: 1',
      'intents:',
      '  - {id: x, from: nowhere, to: lg-file-server, service: smb, purpose: p}',
      '  - {id: mn-juki-app, from: lg-office, to: lg-file-server, service: smb, purpose: p}',
      'exceptions:',
      '  - {id: e1, from: lg-office, to: lg-file-server, service: smb, approver: a, expires: "2030-01-01"}',
      '',
    ].join('\n');
    expect(refusal(() => load(body), 'flows.yaml').map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.column} ${d.code}`)).toEqual([
      'flows.yaml:3:19 BNK_ERR_UNKNOWN_REF',
      'flows.yaml:4:10 BNK_ERR_DUPLICATE_ID',
      'flows.yaml:6:5 BNK_ERR_SCHEMA',
    ]);
  });

  it('a review keeps them in the network after the change: a failure that cuts an added intent breaks it', () => {
    const pack = seedPack();
    const flows = [doc(text(FLOWS), FLOWS)];
    const change = JSON.stringify({ 'bunkatsu-change': 1, changes: [{ down: ['lg-core1', 'lg-core2'] }] });
    const broken = (withFlows: boolean): string[] => {
      const base = loadReviewTopology(text(TOPOLOGY), TOPOLOGY, pack, withFlows ? flows : []);
      const { report } = reviewChange({ base, change, file: 'down.json', pack, today: TODAY, engine: 'fast', ...(withFlows ? { flows } : {}) });
      return report.intentsBroken.map((i) => i.intent);
    };
    // lg-core1 and lg-core2 carry lg-office's traffic to the servers: the added kikaku-file is cut with them.
    expect(broken(true)).toContain('kikaku-file');
    expect(broken(false)).not.toContain('kikaku-file');
    expect(broken(true).filter((id) => id !== 'kikaku-file')).toEqual(broken(false));
  });

  it("bunkatsu schema --flows prints the committed schema/flows.v1.json, whose lists are the topology schema's", async () => {
    const got = await runCli(['schema', '--flows']);
    expect(got.code).toBe(0);
    const schema = JSON.parse(got.out) as { required: string[]; properties: Record<string, unknown>; additionalProperties: boolean };
    expect(JSON.parse(text('schema/flows.v1.json'))).toEqual(schema);
    const topology = JSON.parse(text('schema/topology.v1.json')) as { properties: Record<string, unknown> };
    expect(schema.properties.intents).toEqual(topology.properties.intents);
    expect(schema.required).toEqual(['bunkatsu-flows']);
    expect(schema.additionalProperties).toBe(false);
    expect((await runCli(['schema', '--flows', '--site'])).code).toBe(2);
  });

  it('bunkatsu check --flows: the finding at its line in the flows file; a missing flows file is bad input', async () => {
    const got = await runCli(['check', TOPOLOGY, '--flows', FLOWS, '--today', TODAY]);
    expect(got.code).toBe(1);
    expect(got.out).toContain(`[error] kikaku-cms-direct  (${FLOWS}:${positionOf(text(FLOWS), 'id: kikaku-cms-direct').line}:5)`);
    // The audit report names the flows file and its digest beside the topology's.
    const out = join(mkdtempSync(join(tmpdir(), 'bunkatsu-flows-')), 'report.html');
    expect((await runCli(['check', TOPOLOGY, '--flows', FLOWS, '--today', TODAY, '--format', 'html', '-o', out])).code).toBe(1);
    const digest = createHash('sha256')
      .update(readFileSync(resolve(ROOT, FLOWS)))
      .digest('hex');
    expect(readFileSync(out, 'utf8')).toContain(`<th>フローファイルの SHA-256</th><td><code>${digest}</code>`);
    // diagram --finding runs the same check: with the flows file it finds the intent's finding
    // (which, about an intent and not a path, has no witness path to draw).
    const id = 'sanitized-communication:kikaku-cms-direct';
    expect((await runCli(['diagram', TOPOLOGY, '--flows', FLOWS, '--finding', id, '--format', 'mermaid'])).err).toContain('has no witness path to draw');
    expect((await runCli(['diagram', TOPOLOGY, '--finding', id, '--format', 'mermaid'])).err).toContain('the check has no findings');
    const missing = await runCli(['check', TOPOLOGY, '--flows', 'topologies/flows/none.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('BNK_ERR_FILE_NOT_FOUND');
  });
});
