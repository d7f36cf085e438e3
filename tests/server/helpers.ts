// Shared helpers of the HTTP API tests: a server on an in-memory store with two projects and
// tokens of every kind, and short-hands for inject().

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildServer, type ServerOptions } from '../../src/server/app.ts';
import { Store } from '../../src/store/store.ts';
import { ROOT } from '../helpers.ts';

export interface TestServer {
  readonly app: FastifyInstance;
  readonly store: Store;
  /** Tokens: kita (read, submit, admin, readSubmit, submitOnly), minami (all scopes), server (admin of all). */
  readonly tokens: Record<'kitaRead' | 'kitaSubmit' | 'kitaReadSubmit' | 'kitaAdmin' | 'minami' | 'server', string>;
  request(token: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  upload(token: string, project: string, relative: string, contentType?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export function sample(relative: string): string {
  return readFileSync(resolve(ROOT, relative), 'utf8');
}

/**
 * A server on an in-memory store. Its pool has one worker (as on the 2-core CI machine, whatever
 * the machine) started from the bundle that tests/global-setup.ts builds for this run, and it
 * serves the web page of that build.
 */
export async function testServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const store = await Store.open(':memory:');
  await store.createProject('kita', 'Kita City');
  await store.createProject('minami', 'Minami Town');
  const token = async (project: string | null, scopes: ('read' | 'submit' | 'admin')[]): Promise<string> =>
    (await store.createToken(project, scopes, 'test')).token;
  const tokens = {
    kitaRead: await token('kita', ['read']),
    kitaSubmit: await token('kita', ['submit']),
    kitaReadSubmit: await token('kita', ['read', 'submit']),
    kitaAdmin: await token('kita', ['admin']),
    minami: await token('minami', ['read', 'submit', 'admin']),
    server: await token(null, ['admin']),
  };
  const app = await buildServer({
    db: store,
    logger: false,
    rateLimit: false,
    workers: 1,
    workerEntry: inject('workerEntry'),
    webRoot: inject('webRoot'),
    ...options,
  });
  await app.ready();
  const request = (t: string | undefined, o: InjectOptions): Promise<LightMyRequestResponse> =>
    app.inject({ ...o, headers: { ...(t === undefined ? {} : { authorization: `Bearer ${t}` }), ...o.headers } });
  return {
    app,
    store,
    tokens,
    request,
    upload: (t, project, relative, contentType = relative.endsWith('.json') ? 'application/json' : 'application/yaml') =>
      request(t, {
        method: 'POST',
        url: `/projects/${project}/versions?filename=${encodeURIComponent(relative)}`,
        headers: { 'content-type': contentType },
        payload: sample(relative),
      }),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

const sampleFile = (path: string) => ({ file: path, text: sample(path) });

/** The sample city 取込市 as `bunkatsu import iptables … --config fortigate:… rtx:…` reads it (docs/import.md). */
export const IMPORTED_CITY = {
  configs: [
    {
      vendor: 'iptables',
      ...sampleFile('topologies/imported/inet-gw.rules'),
      addresses: sampleFile('topologies/imported/inet-gw.addr'),
      routes: sampleFile('topologies/imported/inet-gw.route'),
    },
    { vendor: 'fortigate', ...sampleFile('topologies/imported/fw01.conf') },
    { vendor: 'rtx', ...sampleFile('topologies/imported/rtx01.conf') },
  ],
  site: sampleFile('topologies/imported/site.yaml'),
};
