import type { Runtime } from '../../../shared/runtime/runtime';
import { withTimeout } from '../../../shared/util/with-timeout';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { Liveness, Readiness } from '../schemas/status.schema';

const CHECK_TIMEOUT_MS = 2000;

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'unreachable'> {
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS);
    return 'ok';
  } catch {
    return 'unreachable';
  }
}

async function readiness(runtime: Runtime) {
  const [redis, catalog] = await Promise.all([check(() => runtime.redis.ping()), check(() => runtime.dataSource.query('SELECT 1'))]);
  return { redis, catalog };
}

/** Liveness and readiness for load balancers and Kubernetes probes; no auth, no secrets. */
export const healthRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness: the process answers',
    tag: 'health',
    auth: [],
    responses: { 200: { description: 'Alive', schema: Liveness } },
    handler: () => ({ body: { status: 'ok' } }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: Redis and the catalog answer',
    tag: 'health',
    auth: [],
    responses: { 200: { description: 'Ready', schema: Readiness }, 503: { description: 'Redis or the catalog is unreachable', schema: Readiness } },
    handler: async ({ runtime }) => {
      const checks = await readiness(runtime);
      const ready = checks.redis === 'ok' && checks.catalog === 'ok';
      return { status: ready ? 200 : 503, body: { status: ready ? 'ok' : 'unavailable', checks } };
    },
  }),
];
