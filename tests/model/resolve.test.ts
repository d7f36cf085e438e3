// The one reference grammar (src/model/resolve.ts): the same address and service references
// resolve alike in a topology file, a change file, `bunkatsu trace` and the HTTP trace route.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadTopology } from '../../src/model/load.ts';
import { resolveAddress, resolveService } from '../../src/model/resolve.ts';
import { ROOT, runCli, seedPack } from '../helpers.ts';
import { testServer, type TestServer } from '../server/helpers.ts';

const WILDCARD = '10.0.0.0 0.0.0.255';
const TOPOLOGY = 'topologies/alpha-city.yaml';
const RANGE = { lo: 0x0a000000, hi: 0x0a0000ff };
const rule = { id: 'w-test', action: 'permit', from: WILDCARD, to: 'lg-file-server', service: 'smb', in: 'wan', out: 'core1' };
const change = stringify({ 'bunkatsu-change': 1, changes: [{ 'add-rule': { device: 'lg-edge-fw', rule } }] });

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bunkatsu-resolve-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a Cisco wildcard address resolves in all four places', () => {
  it('in a topology file: a rule `from: "10.0.0.0 0.0.0.255"` loads', () => {
    const doc = parse(readFileSync(resolvePath(ROOT, TOPOLOGY), 'utf8'));
    doc.devices.find((d: { id: string }) => d.id === 'lg-edge-fw').rules.push(rule);
    const network = loadTopology(stringify(doc), 'wild.yaml', { domains: new Set(Object.keys(seedPack().domains)) });
    const fw = network.devices.find((d) => d.id === 'lg-edge-fw')!;
    expect(fw.rules.find((r) => r.id === 'w-test')!.src).toEqual([RANGE]);
  });

  it('in a change file: add-rule with it is accepted and reviewed (CLI)', async () => {
    const file = join(dir, 'wild-change.yaml');
    writeFileSync(file, change);
    const got = await runCli(['review', TOPOLOGY, file, '--format', 'json']);
    expect(got.err).toBe('');
    expect(got.code).not.toBe(2);
    expect(JSON.parse(got.out)).toMatchObject({ kind: 'review', verdict: expect.any(String) });
  });

  it('as `bunkatsu trace` arguments', async () => {
    const got = await runCli(['trace', TOPOLOGY, WILDCARD, 'lg-file-server', 'smb', '--format', 'json']);
    expect(got.err).toBe('');
    expect(got.code).toBe(0);
    expect(JSON.parse(got.out).flow).toEqual({ src: WILDCARD, dst: 'lg-file-server', service: 'smb' });
  });

  describe('over HTTP', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await testServer();
      expect((await s.upload(s.tokens.kitaSubmit, 'kita', TOPOLOGY)).statusCode).toBe(201);
    });
    afterAll(async () => {
      await s.close();
    });

    it('GET …/trace?src=10.0.0.0%200.0.0.255 answers 200', async () => {
      const got = await s.request(s.tokens.kitaRead, {
        method: 'GET',
        url: `/projects/kita/versions/1/trace?src=${encodeURIComponent(WILDCARD)}&dst=lg-file-server&service=smb`,
      });
      expect(got.statusCode).toBe(200);
      expect(got.json().flow.src).toBe(WILDCARD);
    });

    it('a change file with it is reviewed: 201', async () => {
      const got = await s.request(s.tokens.kitaSubmit, {
        method: 'POST',
        url: '/projects/kita/versions/1/reviews?today=2026-11-25&filename=wild.yaml',
        headers: { 'content-type': 'application/yaml' },
        payload: change,
      });
      expect(got.statusCode).toBe(201);
    });
  });
});

describe('the resolver', () => {
  const network = loadTopology(readFileSync(resolvePath(ROOT, TOPOLOGY), 'utf8'), TOPOLOGY);

  it.each([
    ['any', 'ok'],
    ['lg-office', 'ok'],
    ['lg-file-server', 'ok'],
    ['lg-edge-fw', 'ok'],
    ['10.20.10.5', 'ok'],
    ['10.20.0.0/21', 'ok'],
    ['10.20.2.1-10.20.7.254', 'ok'],
    [WILDCARD, 'ok'],
    ['10.20.0.1/21', 'BNK_ERR_INVALID_ADDRESS'],
    ['10.0.0.0 0.0.0.x', 'BNK_ERR_INVALID_ADDRESS'],
    ['nowhere', 'BNK_ERR_UNKNOWN_REF'],
  ])('address %s: %s', (ref, expected) => {
    const got = resolveAddress(network, ref);
    expect(got.ok ? 'ok' : got.code).toBe(expected);
  });

  it.each([
    ['any', 'ok'],
    ['smb', 'ok'],
    ['tcp/443', 'ok'],
    ['udp/1000-2000', 'ok'],
    ['icmp', 'ok'],
    ['tcp/70000', 'BNK_ERR_INVALID_SERVICE'],
    ['no-such-service', 'BNK_ERR_UNKNOWN_REF'],
  ])('service %s: %s', (ref, expected) => {
    const got = resolveService(network, ref);
    expect(got.ok ? 'ok' : got.code).toBe(expected);
  });
});
