import { Router } from 'express';
import { collectMetrics, renderMetrics } from '../../../shared/monitoring/metrics';
import type { Runtime } from '../../../shared/runtime/runtime';

/** GET /metrics: Prometheus text format, computed from the catalog, queues and storage at scrape time. */
export function metricsRoutes(runtime: Runtime): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const snapshot = await collectMetrics({ stats: runtime.stats, alerts: runtime.alerts, queues: runtime.queues, storages: runtime.storageTargets });
    const rendered = await renderMetrics(snapshot);
    res.setHeader('Content-Type', rendered.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(rendered.body);
  });
  return router;
}
