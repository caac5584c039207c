import { Transform } from 'class-transformer';
import { JSONSchema } from 'class-validator-jsonschema';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateBy, ValidateIf } from 'class-validator';
import { DELIVERY_STATUSES, DeliveryStatus } from '../../../shared/catalog/entities/notification-delivery.entity';
import { IsUrlWithProtocol } from '../../../shared/config/env-decorators';
import { Channel, CHANNELS, DELIVERY_CHANNELS, DeliveryChannel } from '../../../shared/domain/delivery-channel';
import { EVENT_NAMES } from '../../../shared/domain/notification-events';
import { PageQuery } from './page-query';

/** `""` clears a field just like `null` (and the documented schema says so). */
const EmptyToNull = (): PropertyDecorator => (target, property) => {
  Transform(({ value }) => (value === '' ? null : value))(target, property as string);
  JSONSchema((schema: object) => ({ anyOf: [schema, { const: '' }] }) as never)(target, property as string);
};

const HTTP_URL = ['http', 'https'];

/** fetch refuses URLs with a user or password, and they would be a secret hidden in a URL we show and log. */
const NoUrlCredentials = () =>
  ValidateBy({
    name: 'noUrlCredentials',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return true;
        try {
          const url = new URL(value);
          return url.username === '' && url.password === '';
        } catch {
          return true; // the URL check reports it
        }
      },
      defaultMessage: (args) => `${args?.property} must not contain a user name or password; for the webhook, use webhookSecret`,
    },
  });
const MAX_RECIPIENTS = 50;

/**
 * PUT /api/notifications. A field left out keeps its value; `null` (or `""`)
 * clears it. That is what lets a client save without knowing the secret.
 */
export class UpdateNotificationSettingsDto {
  @IsOptional()
  @EmptyToNull()
  @IsString()
  @MaxLength(2048)
  @IsUrlWithProtocol(HTTP_URL, { message: 'webhookUrl must be an http:// or https:// URL' })
  @NoUrlCredentials()
  webhookUrl?: string | null;

  @IsOptional()
  @EmptyToNull()
  @IsString()
  @MinLength(16, { message: 'webhookSecret must be at least 16 characters long' })
  @MaxLength(256)
  webhookSecret?: string | null;

  @ValidateIf((o: UpdateNotificationSettingsDto) => o.notifyOnSuccess !== undefined)
  @IsBoolean()
  notifyOnSuccess?: boolean;

  @ValidateIf((o: UpdateNotificationSettingsDto) => o.notifyOnFailure !== undefined)
  @IsBoolean()
  notifyOnFailure?: boolean;

  @ValidateIf((o: UpdateNotificationSettingsDto) => o.emailRecipients !== undefined)
  @IsArray()
  @ArrayMaxSize(MAX_RECIPIENTS)
  @IsEmail({}, { each: true, message: 'emailRecipients must contain e-mail addresses only' })
  @MaxLength(254, { each: true })
  emailRecipients?: string[];

  @IsOptional()
  @EmptyToNull()
  @IsString()
  @MaxLength(2048)
  @IsUrlWithProtocol(HTTP_URL, { message: 'slackWebhookUrl must be an http:// or https:// URL' })
  @NoUrlCredentials()
  slackWebhookUrl?: string | null;

  @IsOptional()
  @EmptyToNull()
  @IsString()
  @MaxLength(2048)
  @IsUrlWithProtocol(HTTP_URL, { message: 'discordWebhookUrl must be an http:// or https:// URL' })
  @NoUrlCredentials()
  discordWebhookUrl?: string | null;
}

export class TestNotificationDto {
  @IsOptional()
  @IsArray()
  @IsIn(CHANNELS, { each: true, message: `channels must be a list of: ${CHANNELS.join(', ')}` })
  channels?: Channel[];
}

export class ListDeliveriesQuery extends PageQuery {
  @IsOptional()
  @IsIn(DELIVERY_CHANNELS)
  channel?: DeliveryChannel;

  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @IsOptional()
  @IsIn(EVENT_NAMES)
  event?: string;

  @IsOptional()
  @IsUUID()
  deliveryId?: string;
}
