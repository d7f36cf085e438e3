// bunkatsu review and simulate on the α city sample: the must-show changes, bad change
// files, two whole topologies, and the n-1 sweep against the availability rule.

import { describe, expect, it } from 'vitest';
import { runCli, TODAY } from '../helpers.ts';

interface ReviewJson {
  verdict: string;
  recompute: { mode: string; reason: string };
  newlyAllowed: Array<{ from: string; to: string; classes: Array<{ witness?: { hops: Array<{ id: string; rule?: { id: string; location: string } }> } }> }>;
  findingsIntroduced: Array<{ rule: string; subject: string; location: string }>;
  intentsBroken: Array<{ intent: string }>;
}

const reviewJson = async (...args: string[]): Promise<{ code: number; json: ReviewJson; err: string }> => {
  const r = await runCli(['review', ...args, '--today', TODAY, '--format', 'json']);
  return { code: r.code, json: JSON.parse(r.out || '{}') as ReviewJson, err: r.err };
};

describe('bunkatsu review', () => {
  it('rejects a change that opens LGWAN → Internet, names path-separation and traces the new flow', async () => {
    const { code, json } = await reviewJson('topologies/alpha-city.yaml', 'topologies/changes/gcloud-line.yaml');
    expect(code).toBe(1);
    expect(json.verdict).toBe('reject');
    expect(json.findingsIntroduced.map((f) => [f.rule, f.subject])).toEqual([
      ['path-separation', 'lg-office → inet-servers'],
      // Each half is also a broad rule across domains (a hygiene warning).
      ['firewall-hygiene', 'lg-edge-fw#e-gcloud (broad)'],
      ['firewall-hygiene', 'in-fw#i-gcloud (broad)'],
    ]);
    // The finding points at the added rule in the change file.
    expect(json.findingsIntroduced[0]!.location).toMatch(/^topologies\/changes\/gcloud-line\.yaml:\d+:\d+$/);
    const flow = json.newlyAllowed.find((f) => f.from === 'lg-office' && f.to === 'inet-servers')!;
    const hops = flow.classes[0]!.witness!.hops;
    expect(hops.map((h) => h.id)).toEqual(expect.arrayContaining(['lg-office', 'lg-edge-fw', 'gcloud-link', 'in-fw', 'inet-servers']));
    expect(hops.filter((h) => h.rule).map((h) => h.rule!.id)).toEqual(['e-gcloud', 'i-gcloud']);
  });

  it('reports the flow intent a removed rule breaks, recomputing only what the rule decided', async () => {
    const { code, json } = await reviewJson('topologies/alpha-city.yaml', 'topologies/changes/remove-asp-rule.yaml');
    expect(code).toBe(1);
    expect(json.verdict).toBe('reject');
    expect(json.recompute.mode).toBe('incremental');
    expect(json.intentsBroken.map((i) => i.intent)).toEqual(['use-lgwan-asp']);
    expect(json.newlyAllowed).toEqual([]);
  });

  it('needs attention for a redundant rule (a narrower copy of an existing permit)', async () => {
    const r = await runCli(['review', 'topologies/alpha-city.yaml', 'tests/fixtures/changes/redundant.yaml', '--today', TODAY, '--format', 'json']);
    const json = JSON.parse(r.out) as ReviewJson;
    expect(json.verdict).toBe('needs-attention');
    expect(json.findingsIntroduced.map((f) => [f.rule, f.subject])).toEqual([['firewall-hygiene', 'lg-edge-fw#e-asp-narrow (redundant)']]);
    expect(r.code).toBe(1);
  });

  it('approves a harmless change (an explicit telnet deny before the final deny)', async () => {
    const r = await runCli(['review', 'topologies/alpha-city.yaml', 'tests/fixtures/changes/harmless.yaml', '--today', TODAY]);
    expect(r.out).toMatch(/Verdict: APPROVE/);
    expect(r.code).toBe(0);
  });

  it('compares two whole topologies (full recompute)', async () => {
    const { code, json } = await reviewJson('topologies/alpha-city.yaml', 'topologies/violations/path-separation.yaml');
    expect(code).toBe(1);
    expect(json.recompute.mode).toBe('full');
    expect(json.findingsIntroduced.map((f) => f.rule)).toEqual(['path-separation', 'firewall-hygiene', 'firewall-hygiene']);
  });

  it('refuses a change naming an unknown rule, with the change file location', async () => {
    const r = await runCli(['review', 'topologies/alpha-city.yaml', 'tests/fixtures/changes/unknown-rule.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/tests\/fixtures\/changes\/unknown-rule\.yaml:\d+:\d+ BNK_ERR_UNKNOWN_REF .*no-such-rule/);
  });

  it('--engine reference reviews on the oracle: the same verdict and intent, a full recompute, the engine named', async () => {
    const { code, json } = await reviewJson('topologies/alpha-city.yaml', 'topologies/changes/remove-asp-rule.yaml', '--engine', 'reference');
    expect(code).toBe(1);
    expect(json).toMatchObject({ engine: 'reference', verdict: 'reject', recompute: { mode: 'full', reason: 'the reference engine recomputes every header' } });
    expect(json.intentsBroken.map((i) => i.intent)).toEqual(['use-lgwan-asp']);
    const text = await runCli(['review', 'topologies/alpha-city.yaml', 'tests/fixtures/changes/harmless.yaml', '--today', TODAY, '--engine', 'reference']);
    expect(text.out).toMatch(/engine: reference {2}recompute: full \(the reference engine recomputes every header\)/);
    expect(text.code).toBe(0);
  });

  it('refuses an unknown engine (exit 2, the engines named)', async () => {
    const r = await runCli(['review', 'topologies/alpha-city.yaml', 'tests/fixtures/changes/harmless.yaml', '--engine', 'warp']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/fast, reference/);
  });

  it('writes Markdown for a pull-request comment', async () => {
    const r = await runCli(['review', 'topologies/alpha-city.yaml', 'topologies/changes/gcloud-line.yaml', '--today', TODAY, '--format', 'markdown']);
    expect(r.out).toMatch(/path-separation/);
    expect(r.out).toMatch(/^#/m);
  });
});

describe('bunkatsu simulate', () => {
  it('--sweep n-1 lists the single failures that cut each intent; resilient intents survive all', async () => {
    const r = await runCli(['simulate', 'topologies/alpha-city.yaml', '--sweep', 'n-1', '--format', 'json', '--today', TODAY]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { intents: Array<{ intent: string; cutBy: string[] }> };
    const cut = Object.fromEntries(json.intents.map((i) => [i.intent, i.cutBy]));
    expect(cut['mn-juki-app']).toEqual(expect.arrayContaining(['mn-fw']));
    // use-file-server is resilient in the sample (two core routers) and the availability rule passes.
    expect(cut['use-file-server']).toEqual([]);
  });

  it('--down shows what taking an element out of service changes', async () => {
    const r = await runCli(['simulate', 'topologies/alpha-city.yaml', '--down', 'mn-fw', '--format', 'json', '--today', TODAY]);
    const json = JSON.parse(r.out) as ReviewJson;
    expect(json.intentsBroken.map((i) => i.intent)).toEqual(expect.arrayContaining(['mn-juki-app', 'mn-zeimu-app']));
    expect(r.code).toBe(1);
  });

  it('--engine reference: the same sweep and the same broken intents on the oracle', async () => {
    const sweep = await runCli(['simulate', 'topologies/alpha-city.yaml', '--sweep', 'n-1', '--format', 'json', '--today', TODAY, '--engine', 'reference']);
    const fast = await runCli(['simulate', 'topologies/alpha-city.yaml', '--sweep', 'n-1', '--format', 'json', '--today', TODAY]);
    expect(sweep.code).toBe(1);
    const cuts = (out: string): unknown => (JSON.parse(out) as { intents: unknown[] }).intents;
    expect(cuts(sweep.out)).toEqual(cuts(fast.out));
    const down = await runCli(['simulate', 'topologies/alpha-city.yaml', '--down', 'mn-fw', '--format', 'json', '--today', TODAY, '--engine', 'reference']);
    const json = JSON.parse(down.out) as ReviewJson & { engine: string };
    expect(json.engine).toBe('reference');
    expect(json.intentsBroken.map((i) => i.intent)).toEqual(expect.arrayContaining(['mn-juki-app', 'mn-zeimu-app']));
    expect(down.code).toBe(1);
  });

  it('refuses an unknown element', async () => {
    const r = await runCli(['simulate', 'topologies/alpha-city.yaml', '--down', 'no-such-device']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no-such-device/);
  });
});
