import { createHmac } from 'node:crypto';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as `express.json()` parsed it (undefined for bodiless requests): any JSON, checked by each test. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The status the receiver answered. */
  status: number;
}

export interface Receiver {
  url(path: string): string;
  requests: ReceivedRequest[];
  on(path: string): ReceivedRequest[];
  /** Answers the next requests to `path` with these statuses before the normal handler takes over. */
  failNext(path: string, statuses: number[]): void;
  /** Requests to `/hang` still waiting for an answer. */
  hanging(): number;
  /** Answers every waiting `/hang` request with 200. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A receiver on 127.0.0.1 whose `/webhook` handler is the user guide's snippet,
 * word for word: parse with express.json(), re-serialise with JSON.stringify and
 * compare the HMAC. Other paths answer like Slack (`ok`), Discord (204) or a
 * heartbeat monitor; `/hang` answers only when released. Every request is recorded.
 */
export async function startReceiver(secret: string): Promise<Receiver> {
  const app = express();
  const requests: ReceivedRequest[] = [];
  const scripted = new Map<string, number[]>();
  const held: express.Response[] = [];

  app.use((req, res, next) => {
    res.on('finish', () => requests.push({ path: req.path, method: req.method, headers: { ...req.headers }, body: req.body, status: res.statusCode }));
    const scriptedStatus = scripted.get(req.path)?.shift();
    if (scriptedStatus === undefined) return next();
    express.json()(req, res, () => void res.status(scriptedStatus).send(`scripted ${scriptedStatus}`));
  });

  // --- the user guide's receiver ---
  app.post('/webhook', express.json(), (req, res) => {
    const signature = req.headers['x-kanbu-signature'];
    const expected = createHmac('sha256', secret).update(JSON.stringify(req.body)).digest('hex');
    if (signature !== expected) {
      return res.status(401).send('Invalid signature');
    }
    // Handle the event (req.body.event, req.body.backup, ...)
    res.status(200).send('OK');
  });
  // ---

  const json = express.json();
  app.post('/slack', json, (_req, res) => void res.status(200).send('ok'));
  app.post('/discord', json, (_req, res) => void res.status(204).end());
  app.all('/heartbeat', json, (_req, res) => void res.status(200).send('OK'));
  app.post('/hang', (_req, res) => void held.push(res));
  app.post('/reject', json, (_req, res) => void res.status(400).send('invalid_payload'));

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    on: (path) => requests.filter((r) => r.path === path),
    failNext: (path, statuses) => void scripted.set(path, [...statuses]),
    hanging: () => held.filter((res) => !res.writableEnded && !res.socket?.destroyed).length,
    release: () => {
      for (const res of held.splice(0)) if (!res.writableEnded && !res.socket?.destroyed) res.status(200).send('OK, late');
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
