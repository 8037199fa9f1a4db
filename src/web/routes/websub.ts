import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Config } from '../../config/index.js';
import { CALLBACK_PATH, type CallbackAnswer, type PushCallbacks } from '../../model/subscription.js';

/** The WebSub callback: the hub's verification of intent (GET) and pushed content (POST), bounded like a polled body. */
export function registerWebSubRoutes(app: Hono, config: Config, websub: PushCallbacks): void {
  const answer = (c: Context, a: CallbackAnswer): Response => {
    c.header('Cache-Control', 'no-store');
    return a.status === 204 ? c.body(null, 204) : c.text(a.body, a.status);
  };
  app.get(`${CALLBACK_PATH}:token`, async (c) =>
    answer(c, await websub.verify(c.req.param('token'), new URL(c.req.url).searchParams)),
  );
  app.post(
    `${CALLBACK_PATH}:token`,
    bodyLimit({
      maxSize: config.poll.maxBodyBytes,
      onError: (c) => c.text(`pushed content over ${config.poll.maxBodyBytes} bytes`, 413),
    }),
    async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const a = await websub.deliver(
        c.req.param('token'),
        body,
        c.req.header('content-type') ?? null,
        c.req.header('x-hub-signature') ?? null,
      );
      return answer(c, a);
    },
  );
}
