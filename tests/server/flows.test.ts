// A check with a flows file (POST …/checks?flows=<name>, the file as the body): its intents,
// exceptions and cloud services join the stored version's for that check, findings and errors
// point into it, the check keeps it (for the job and the audit report), and a body without
// ?flows is ignored as before.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positionOf } from '../helpers.ts';
import { sample, testServer, type TestServer } from './helpers.ts';

const TODAY = '2026-11-25';
const FLOWS = 'topologies/flows/alpha-city-kikaku.yaml';
let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  expect((await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml')).statusCode).toBe(201);
});
afterAll(async () => {
  await s.close();
});

const at = positionOf(sample(FLOWS), 'id: kikaku-cms-direct');
const post = (query: string, payload?: string, contentType = 'application/yaml') =>
  s.request(s.tokens.kitaReadSubmit, {
    method: 'POST',
    url: `/projects/kita/versions/1/checks?today=${TODAY}${query}`,
    ...(payload === undefined ? {} : { payload, headers: { 'content-type': contentType } }),
  });
const flowFindings = (report: { findings: Array<{ rule: string; location: string }> }) => report.findings.map((f) => `${f.rule} ${f.location}`);

describe('checks with a flows file', () => {
  it('joins its intents to the version for this check: the finding at its line in the flows file, the check naming it', async () => {
    const got = await post('&flows=kikaku.yaml', sample(FLOWS));
    expect(got.statusCode).toBe(201);
    const { check, report } = got.json();
    expect(check.flows).toEqual({ filename: 'kikaku.yaml' });
    expect(flowFindings(report)).toEqual([`sanitized-communication kikaku.yaml:${at.line}:${at.column}`]);
    // The version alone is clean, and its cached copy is not the one with the flows.
    const plain = await post('');
    expect(plain.json().check.flows).toBeNull();
    expect(plain.json().report.findings).toEqual([]);
    // A body without ?flows is ignored, as before flows files.
    const ignored = await post('', '{}', 'application/json');
    expect(ignored.statusCode).toBe(201);
    expect(ignored.json().report.findings).toEqual([]);
  });

  it('as a job: stored with the check, run by the job, named in the audit report with its digest', async () => {
    const run = await post('&async=true&flows=kikaku.yaml', sample(FLOWS));
    expect(run.statusCode).toBe(202);
    const id = run.json().check.id as string;
    await s.app.jobs.idle();
    const done = (await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/checks/${id}` })).json();
    expect(done.check).toMatchObject({ status: 'done', flows: { filename: 'kikaku.yaml' } });
    expect(flowFindings(done.report)).toEqual([`sanitized-communication kikaku.yaml:${at.line}:${at.column}`]);
    const html = await s.request(s.tokens.kitaRead, { method: 'GET', url: `/projects/kita/checks/${id}/report.html?lang=ja` });
    expect(html.statusCode).toBe(200);
    const digest = createHash('sha256').update(sample(FLOWS)).digest('hex');
    expect(html.body).toContain('<th>フローファイル</th><td><code>kikaku.yaml</code>');
    expect(html.body).toContain(`<th>フローファイルの SHA-256</th><td><code>${digest}</code>`);
  });

  it('refuses a bad flows file with its diagnostics in it, an empty body, and a name that is no file name', async () => {
    const bad = await post('&flows=bad.yaml', 'bunkatsu-flows: 2\nintents:\n  - {id: x, from: nowhere, to: lg-file-server, service: smb, purpose: p}\n');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().diagnostics.map((d: { location: string; code: string }) => `${d.location} ${d.code}`)).toEqual(['bad.yaml:1:17 BNK_ERR_SCHEMA']);
    const empty = await post('&flows=kikaku.yaml');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().code).toBe('BNK_ERR_USAGE');
    expect((await post('&flows=../x y.yaml', sample(FLOWS))).statusCode).toBe(400);
    // The server keeps serving.
    expect((await s.request(undefined, { method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
