import { ErrorCode } from '../../../shared/errors';
import { createLogger } from '../../../shared/logging';
import { sendTestNotification } from '../../../shared/notify/test-notification';
import { ListDeliveriesQuery, TestNotificationDto, UpdateNotificationSettingsDto } from '../dto/notification.dto';
import { presentAttempt, presentDelivery, presentNotificationSettings } from '../notification-presenters';
import { presentPage } from '../presenters';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { Delivery, NotificationSettings, TestNotificationResult } from '../schemas/notification.schema';
import { pageOf } from '../schemas/page.schema';

const logger = createLogger('Notify');

export const notificationRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/notifications',
    operationId: 'getNotificationSettings',
    summary: 'Notification settings (secrets never, webhook URLs masked)',
    tag: 'notifications',
    auth: ['adminKey'],
    responses: { 200: { description: 'The settings', schema: NotificationSettings } },
    handler: async ({ runtime }) => ({ body: presentNotificationSettings(await runtime.notificationSettings.get(), runtime.config) }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/notifications',
    operationId: 'updateNotificationSettings',
    summary: 'Change notification settings: a field left out keeps its value, null or "" clears it',
    tag: 'notifications',
    auth: ['adminKey'],
    body: UpdateNotificationSettingsDto,
    responses: { 200: { description: 'The saved settings', schema: NotificationSettings } },
    handler: async ({ runtime, body }) => {
      const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      if (body.emailRecipients) changes.emailRecipients = [...new Set(body.emailRecipients.map((r) => r.trim()))];
      const saved = await runtime.notificationSettings.update(changes);
      logger.info(`Notification settings changed: ${Object.keys(changes).join(', ') || 'nothing'}`);
      return { body: presentNotificationSettings(saved, runtime.config) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/notifications/test',
    operationId: 'testNotifications',
    summary: 'Send a test notification on every configured channel (or the ones named) and report each outcome',
    tag: 'notifications',
    auth: ['adminKey'],
    body: TestNotificationDto,
    responses: { 200: { description: 'One result per channel', schema: TestNotificationResult } },
    errors: [ErrorCode.NotificationsNotConfigured],
    handler: async ({ runtime, body }) => {
      const report = await sendTestNotification(
        { settings: runtime.notificationSettings, deliveries: runtime.deliveries, config: runtime.config },
        body.channels,
      );
      return { body: { event: 'test', deliveryId: report.deliveryId, results: report.results.map(presentAttempt) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/notifications/deliveries',
    operationId: 'listDeliveries',
    summary: 'Delivery attempts, newest first',
    tag: 'notifications',
    auth: ['adminKey'],
    query: ListDeliveriesQuery,
    responses: { 200: { description: 'A page of delivery attempts', schema: pageOf('DeliveryPage', Delivery) } },
    handler: async ({ runtime, query }) => ({ body: presentPage(await runtime.deliveries.list(query), presentDelivery) }),
  }),
];
