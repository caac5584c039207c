import { Type } from '@sinclair/typebox';
import { collectMetrics, renderMetrics } from '../../../shared/monitoring/metrics';
import { defineRoute, RouteDefinition } from '../registry/route-definition';

export const metricsRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics, computed from the catalog, queues and storage at scrape time',
    tag: 'status',
    // A Prometheus scraper may hold the narrower metrics token instead of the admin key.
    auth: ['metricsToken', 'adminKey'],
    responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain', schema: Type.String() } },
    handler: async ({ runtime }) => {
      const snapshot = await collectMetrics({ stats: runtime.stats, alerts: runtime.alerts, queues: runtime.queues, storages: runtime.storageTargets });
      const rendered = await renderMetrics(snapshot);
      return { body: rendered.body, headers: { 'Content-Type': rendered.contentType, 'Cache-Control': 'no-store' } };
    },
  }),
];
