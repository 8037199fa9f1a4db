import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { startTestServer, type TestServer } from './http.js';

/** A subscription request as the hub received it. */
export interface HubRequest {
  mode: string;
  topic: string;
  callback: string;
  secret: string | null;
  leaseSeconds: number | null;
}

/** What the hub learnt when it verified a request. */
export interface Verification {
  request: HubRequest;
  status: number;
  /** Whether the subscriber echoed the challenge exactly. */
  echoed: boolean;
}

export interface HubBehaviour {
  /** accept: 202 then verify; refuse: answer 400 and do nothing; deny: 202 then send hub.mode=denied. */
  answer: 'accept' | 'refuse' | 'deny';
  /** The lease the hub grants, whatever was asked. */
  grantSeconds: number | null;
  /** Verify before answering the request (some hubs do). */
  verifyFirst: boolean;
  /** The topic the hub sends back in its verification (to test a mismatch). */
  topicOverride: string | null;
}

export interface TestHub {
  url: string;
  behaviour: HubBehaviour;
  requests: HubRequest[];
  verifications: Verification[];
  /** Active subscriptions, by callback. */
  subscribers: Map<string, HubRequest>;
  /** Waits until `n` verifications have been made. */
  verified(n: number): Promise<void>;
  /**
   * Pushes content to every verified subscriber of the topic, signed with their secret (or with
   * `sign: 'wrong'` / `'none'`); resolves with each callback's status.
   */
  publish(
    topic: string,
    body: string,
    contentType: string,
    sign?: 'sha256' | 'sha1' | 'wrong' | 'none',
  ): Promise<number[]>;
  close(): Promise<void>;
}

/** A small WebSub hub on 127.0.0.1 that follows the spec's subscriber-facing half, for tests. */
export async function startTestHub(): Promise<TestHub> {
  const behaviour: HubBehaviour = {
    answer: 'accept',
    grantSeconds: null,
    verifyFirst: false,
    topicOverride: null,
  };
  const requests: HubRequest[] = [];
  const verifications: Verification[] = [];
  const subscribers = new Map<string, HubRequest>();
  const waiters: Array<{ n: number; resolve: () => void }> = [];

  const verify = async (request: HubRequest): Promise<void> => {
    const url = new URL(request.callback);
    const challenge = randomBytes(12).toString('hex');
    url.searchParams.set('hub.topic', behaviour.topicOverride ?? request.topic);
    if (behaviour.answer === 'deny') {
      url.searchParams.set('hub.mode', 'denied');
      url.searchParams.set('hub.reason', 'this hub does not serve that topic');
    } else {
      url.searchParams.set('hub.mode', request.mode);
      url.searchParams.set('hub.challenge', challenge);
      if (request.mode === 'subscribe') {
        url.searchParams.set(
          'hub.lease_seconds',
          String(behaviour.grantSeconds ?? request.leaseSeconds ?? 86400),
        );
      }
    }
    const res = await fetch(url);
    const text = await res.text();
    const echoed = res.status >= 200 && res.status < 300 && text === challenge;
    verifications.push({ request, status: res.status, echoed });
    if (echoed && request.mode === 'subscribe') subscribers.set(request.callback, request);
    if (echoed && request.mode === 'unsubscribe') subscribers.delete(request.callback);
    for (const w of waiters.filter((w) => verifications.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };

  const server: TestServer = await startTestServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(raw);
      const lease = form.get('hub.lease_seconds');
      const request: HubRequest = {
        mode: form.get('hub.mode') ?? '',
        topic: form.get('hub.topic') ?? '',
        callback: form.get('hub.callback') ?? '',
        secret: form.get('hub.secret'),
        leaseSeconds: lease ? Number(lease) : null,
      };
      requests.push(request);
      if (behaviour.answer === 'refuse') return res.writeHead(400).end('topic not allowed here');
      const verifying = (): Promise<void> => verify(request).catch(() => undefined);
      if (behaviour.verifyFirst) {
        void verifying().then(() => res.writeHead(202).end());
      } else {
        res.writeHead(202).end();
        setImmediate(() => void verifying());
      }
    });
  });

  return {
    url: `${server.url}/`,
    behaviour,
    requests,
    verifications,
    subscribers,
    verified: (n) =>
      verifications.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    async publish(topic, body, contentType, sign = 'sha256') {
      const statuses: number[] = [];
      for (const sub of subscribers.values()) {
        if (sub.topic !== topic) continue;
        const headers: Record<string, string> = { 'content-type': contentType };
        if (sign !== 'none') {
          const method = sign === 'sha1' ? 'sha1' : 'sha256';
          const key = sign === 'wrong' ? 'not-the-secret' : (sub.secret ?? '');
          headers['x-hub-signature'] = `${method}=${createHmac(method, key).update(body).digest('hex')}`;
        }
        const res = await fetch(sub.callback, { method: 'POST', headers, body });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      return statuses;
    },
    close: () => server.close(),
  };
}
