import { Router } from 'express';
import { createLogger } from '../../../shared/logging';
import { sendTestNotification } from '../../../shared/notify/test-notification';
import type { Runtime } from '../../../shared/runtime/runtime';
import { ListDeliveriesQuery, TestNotificationDto, UpdateNotificationSettingsDto } from '../dto/notification.dto';
import { parseDto } from '../dto/parse-dto';
import { presentAttempt, presentDelivery, presentNotificationSettings } from '../notification-presenters';
import { presentPage } from '../presenters';

const logger = createLogger('Notify');

/** GET/PUT /api/notifications, POST /api/notifications/test, GET /api/notifications/deliveries. */
export function notificationRoutes(runtime: Runtime): Router {
  const router = Router();
  const deliveryDeps = { settings: runtime.notificationSettings, deliveries: runtime.deliveries, config: runtime.config };

  router.get('/', async (_req, res) => {
    res.json(presentNotificationSettings(await runtime.notificationSettings.get(), runtime.config));
  });

  router.put('/', async (req, res) => {
    const body = parseDto(UpdateNotificationSettingsDto, req.body);
    const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    if (body.emailRecipients) changes.emailRecipients = [...new Set(body.emailRecipients.map((r) => r.trim()))];
    const saved = await runtime.notificationSettings.update(changes);
    logger.info(`Notification settings changed: ${Object.keys(changes).join(', ') || 'nothing'}`);
    res.json(presentNotificationSettings(saved, runtime.config));
  });

  router.post('/test', async (req, res) => {
    const body = parseDto(TestNotificationDto, req.body);
    const report = await sendTestNotification(deliveryDeps, body.channels);
    res.json({ event: 'test', deliveryId: report.deliveryId, results: report.results.map(presentAttempt) });
  });

  router.get('/deliveries', async (req, res) => {
    const query = parseDto(ListDeliveriesQuery, req.query);
    res.json(presentPage(await runtime.deliveries.list(query), presentDelivery));
  });

  return router;
}
