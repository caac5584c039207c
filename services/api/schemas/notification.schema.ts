import { Type } from '@sinclair/typebox';
import { DELIVERY_STATUSES } from '../../../shared/catalog/entities/notification-delivery.entity';
import { CHANNELS, DELIVERY_CHANNELS } from '../../../shared/domain/delivery-channel';
import { closed, DateTime, named, Nullable, StringEnum, Uuid } from './schema-helpers';

export const NotificationSettings = named(
  'NotificationSettings',
  closed({
    webhookUrl: Nullable(Type.String({ description: 'Masked: the query string is hidden' })),
    webhookSecretSet: Type.Boolean({ description: 'The secret itself is never returned' }),
    notifyOnSuccess: Type.Boolean(),
    notifyOnFailure: Type.Boolean(),
    emailRecipients: Type.Array(Type.String()),
    smtpConfigured: Type.Boolean(),
    slackWebhookUrl: Nullable(Type.String({ description: 'Masked: the path is the token' })),
    discordWebhookUrl: Nullable(Type.String({ description: 'Masked: the path is the token' })),
    heartbeatConfigured: Type.Boolean(),
    activeChannels: Type.Array(StringEnum(CHANNELS)),
    updatedAt: Nullable(DateTime),
  }),
);

export const DeliveryAttempt = named(
  'DeliveryAttempt',
  closed({
    channel: StringEnum(DELIVERY_CHANNELS),
    target: Type.String(),
    ok: Type.Boolean(),
    statusCode: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    durationMs: Type.Number(),
  }),
);

export const TestNotificationResult = named(
  'TestNotificationResult',
  closed({ event: Type.Literal('test'), deliveryId: Uuid, results: Type.Array(DeliveryAttempt) }),
);

export const Delivery = named(
  'Delivery',
  closed({
    id: Uuid,
    deliveryId: Uuid,
    executionId: Nullable(Uuid),
    event: Type.String(),
    channel: StringEnum(DELIVERY_CHANNELS),
    attempt: Type.Integer(),
    status: StringEnum(DELIVERY_STATUSES),
    willRetry: Type.Boolean(),
    responseCode: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    target: Nullable(Type.String()),
    durationMs: Nullable(Type.Integer()),
    createdAt: DateTime,
  }),
);
