import { Router } from 'express';
import type { Runtime } from '../../../shared/runtime/runtime';
import { withTimeout } from '../../../shared/util/with-timeout';

const CHECK_TIMEOUT_MS = 2000;

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'unreachable'> {
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS);
    return 'ok';
  } catch {
    return 'unreachable';
  }
}

/** Liveness and readiness for load balancers and Kubernetes probes; no auth, no secrets. */
export function healthRoutes(runtime: Runtime): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [redis, catalog] = await Promise.all([check(() => runtime.redis.ping()), check(() => runtime.dataSource.query('SELECT 1'))]);
    const ready = redis === 'ok' && catalog === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks: { redis, catalog } });
  });
  return router;
}
