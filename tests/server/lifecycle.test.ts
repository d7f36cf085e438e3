// Graceful shutdown, rate limiting, timeouts and logging, on a real listening server where the
// socket matters and through inject() where it does not.

import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { shutdown } from '../../src/server/app.ts';
import { sample, testServer } from './helpers.ts';

function portOf(address: unknown): number {
  return (address as { port: number }).port;
}

/** Collects everything written to a socket until it closes (or the deadline). */
function collect(socket: Socket, ms: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((ok) => {
    let text = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      ok({ text, closed });
    };
    socket.on('data', (d: Buffer) => {
      text += d.toString();
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    setTimeout(() => finish(false), ms);
  });
}

describe('graceful shutdown', () => {
  it('lets an in-flight upload finish and store, answers the next request 503, then stops', async () => {
    const s = await testServer();
    try {
      await s.app.listen({ host: '127.0.0.1', port: 0 });
      const port = portOf(s.app.server.address());
      const body = Buffer.from(sample('topologies/alpha-city.yaml'));
      const socket = connect(port, '127.0.0.1');
      await new Promise((ok) => socket.once('connect', ok));
      const answers = collect(socket, 5000);
      socket.write(
        `POST /projects/kita/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.tokens.kitaReadSubmit}\r\n` +
          `Content-Type: application/yaml\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body.subarray(0, 1000));
      await new Promise((r) => setTimeout(r, 100));

      const stopping = shutdown(s.app);
      expect(s.app.closing).toBe(true);
      let stopped = false;
      void stopping.then(() => {
        stopped = true;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(stopped).toBe(false); // waits for the upload

      // The rest of the body, then a second (pipelined) request on the same connection.
      socket.write(body.subarray(1000));
      socket.write(`GET /projects/kita/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.tokens.kitaReadSubmit}\r\n\r\n`);
      const { text } = await answers;
      await stopping;
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
      expect(statuses).toEqual(['201', '503']);
      expect(text).toContain('"code":"BNK_ERR_SHUTTING_DOWN"');
      expect(await s.store.listVersions('kita')).toHaveLength(1);
    } finally {
      await s.store.close();
    }
  });
});

describe('shutdown drain', () => {
  it('answers a request on a new connection 503 with Connection: close and Retry-After while an upload drains', async () => {
    const s = await testServer({ drainTimeoutMs: 10_000 });
    try {
      await s.app.listen({ host: '127.0.0.1', port: 0 });
      const port = portOf(s.app.server.address());
      const body = Buffer.from(sample('topologies/alpha-city.yaml'));
      const slow = connect(port, '127.0.0.1');
      await new Promise((ok) => slow.once('connect', ok));
      const uploaded = collect(slow, 5000);
      slow.write(
        `POST /projects/kita/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.tokens.kitaReadSubmit}\r\n` +
          `Content-Type: application/yaml\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      );
      slow.write(body.subarray(0, 1000));
      await new Promise((r) => setTimeout(r, 100));
      expect(s.app.inFlight).toBe(1);

      const stopping = shutdown(s.app);
      await new Promise((r) => setTimeout(r, 50));
      // A second client arrives during the drain: a clear 503, not a refused connection.
      const late = connect(port, '127.0.0.1');
      await new Promise((ok, fail) => {
        late.once('connect', ok);
        late.once('error', fail);
      });
      const refusedAnswer = collect(late, 3000);
      late.write(`GET /projects/kita/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.tokens.kitaRead}\r\n\r\n`);
      const { text: refused, closed } = await refusedAnswer;
      expect(refused).toMatch(/^HTTP\/1\.1 503 /);
      expect(refused).toMatch(/\r\nconnection: close\r\n/i);
      expect(refused).toMatch(/\r\nretry-after: 5\r\n/i);
      expect(refused).toContain('"code":"BNK_ERR_SHUTTING_DOWN"');
      expect(closed).toBe(true);

      slow.write(body.subarray(1000));
      expect((await uploaded).text).toMatch(/^HTTP\/1\.1 201 /);
      await stopping;
      expect(await s.store.listVersions('kita')).toHaveLength(1);
      expect(s.app.server.listening).toBe(false);
    } finally {
      await s.store.close();
    }
  });

  it('closes after drainTimeoutMs even if a request never finishes', async () => {
    const s = await testServer({ drainTimeoutMs: 200, requestTimeoutMs: 60_000 });
    try {
      await s.app.listen({ host: '127.0.0.1', port: 0 });
      const port = portOf(s.app.server.address());
      const stuck = connect(port, '127.0.0.1');
      await new Promise((ok) => stuck.once('connect', ok));
      stuck.on('error', () => undefined);
      stuck.write(
        `POST /projects/kita/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.tokens.kitaReadSubmit}\r\n` +
          'Content-Type: application/yaml\r\nContent-Length: 100000\r\n\r\nname: x\n',
      );
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      const stopping = shutdown(s.app);
      await new Promise((r) => setTimeout(r, 400));
      expect(s.app.server.listening).toBe(false); // the drain window is over: the listener is closed
      await stopping; // the stuck request is cut off
      expect(Date.now() - started).toBeLessThan(5000);
      stuck.destroy();
    } finally {
      await s.store.close();
    }
  });
});

describe('rate limiting', () => {
  it('answers 429 with the stable code past the limit, per client address', async () => {
    const s = await testServer({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const limited = await s.request('bad', { method: 'GET', url: '/projects/kita' });
      expect(limited.json()).toMatchObject({ statusCode: 429, code: 'BNK_ERR_RATE_LIMITED', error: 'Too Many Requests' });
      expect(limited.headers['retry-after']).toBeDefined();
      const other = await s.app.inject({
        method: 'GET',
        url: '/projects/kita',
        remoteAddress: '127.0.0.2',
        headers: { authorization: `Bearer ${s.tokens.kitaRead}` },
      });
      expect(other.statusCode).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('timeouts', () => {
  it('closes a connection whose request stalls (slow client)', async () => {
    const s = await testServer({ connectionTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      await s.app.listen({ host: '127.0.0.1', port: 0 });
      const socket = connect(portOf(s.app.server.address()), '127.0.0.1');
      await new Promise((ok) => socket.once('connect', ok));
      const answer = collect(socket, 5000);
      socket.write(
        `POST /projects/kita/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.tokens.kitaSubmit}\r\nContent-Type: application/yaml\r\nContent-Length: 100000\r\n\r\nbunkatsu: 1\n`,
      );
      const started = Date.now();
      const { closed, text } = await answer;
      expect(closed).toBe(true);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(text).not.toContain('201');
      expect(await s.store.listVersions('kita')).toHaveLength(0);
      // And the server goes on serving.
      expect((await s.request(undefined, { method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('logs', () => {
  it('carry no topology content, no query strings and no tokens', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const s = await testServer({ logger: { level: 'debug', stream } });
    try {
      await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/alpha-city.yaml');
      await s.upload(s.tokens.kitaSubmit, 'kita', 'topologies/broken/semantic.yaml');
      await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/1/trace?src=10.20.2.1&dst=lg-file-server&service=smb' });
      await s.request(s.tokens.kitaRead, { method: 'GET', url: '/projects/kita/versions/1/trace?src=mn-atena-server&dst=nowhere-host&service=smb' });
      await s.request(s.tokens.kitaReadSubmit, { method: 'POST', url: '/projects/kita/versions/1/checks?today=2026-11-25' });
      await s.request('bnk_0000000000000000_leakedsecretleakedsecretleakedsecretleake', { method: 'GET', url: '/projects' });
      const log = lines.join('');
      expect(log).toContain('topology version stored');
      expect(log).toContain('request completed');
      for (const t of Object.values(s.tokens)) expect(log).not.toContain(t.slice(21));
      expect(log).not.toContain('leakedsecret');
      expect(log).not.toMatch(/authorization/i);
      for (const content of ['サンプル市', 'lg-file-server', 'mn-atena-server', '10.20.2.1', 'nowhere-host', 'intranet', 'lg-office']) {
        expect(log, content).not.toContain(content);
      }
    } finally {
      await s.close();
    }
  });
});
