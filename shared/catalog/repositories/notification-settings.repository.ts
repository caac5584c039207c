import { DataSource, Repository } from 'typeorm';
import { registerSecret } from '../../logging/redact';
import { NotificationSettings } from '../entities';

/** The settings live in a single row with this id. */
export const NOTIFICATION_SETTINGS_ID = 1;

export type NotificationSettingsChanges = Partial<
  Pick<
    NotificationSettings,
    'webhookUrl' | 'webhookSecret' | 'notifyOnSuccess' | 'notifyOnFailure' | 'emailRecipients' | 'slackWebhookUrl' | 'discordWebhookUrl'
  >
>;

export class NotificationSettingsRepository {
  private readonly repo: Repository<NotificationSettings>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(NotificationSettings);
  }

  /** The stored settings, or the defaults (failures only, no channel) before anyone saved any. */
  async get(): Promise<NotificationSettings> {
    const row = await this.repo.findOneBy({ id: NOTIFICATION_SETTINGS_ID });
    const settings = row ?? this.defaults();
    // The secret and the chat webhook URLs (whose path is a token) must never be logged.
    for (const value of [settings.webhookSecret, settings.slackWebhookUrl, settings.discordWebhookUrl]) registerSecret(value);
    return settings;
  }

  /** Applies the given fields; fields left out keep their value. */
  async update(changes: NotificationSettingsChanges): Promise<NotificationSettings> {
    const current = await this.get();
    await this.repo.save({ ...current, ...changes, id: NOTIFICATION_SETTINGS_ID });
    return this.get();
  }

  private defaults(): NotificationSettings {
    return this.repo.create({
      id: NOTIFICATION_SETTINGS_ID,
      webhookUrl: null,
      webhookSecret: null,
      notifyOnSuccess: false,
      notifyOnFailure: true,
      emailRecipients: [],
      slackWebhookUrl: null,
      discordWebhookUrl: null,
    });
  }
}
