import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import type { DeliveryChannel } from '../../domain/delivery-channel';
import { DeliveryStatus, NotificationDelivery } from '../entities/notification-delivery.entity';
import { Page, PageRequest, skipTake, toPage } from './pagination';

export type NewDeliveryAttempt = Pick<NotificationDelivery, 'deliveryId' | 'event' | 'channel' | 'attempt' | 'status'> &
  Partial<Pick<NotificationDelivery, 'executionId' | 'willRetry' | 'responseCode' | 'error' | 'target' | 'durationMs'>>;

export interface DeliveryQuery extends PageRequest {
  channel?: DeliveryChannel;
  status?: DeliveryStatus;
  event?: string;
  deliveryId?: string;
}

const MAX_ERROR_LENGTH = 2000;

export class NotificationDeliveryRepository {
  private readonly repo: Repository<NotificationDelivery>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(NotificationDelivery);
  }

  async record(attempt: NewDeliveryAttempt): Promise<NotificationDelivery> {
    return this.repo.save(this.repo.create({ ...attempt, error: attempt.error?.slice(0, MAX_ERROR_LENGTH) ?? null }));
  }

  /** Forgets delivery attempts older than `cutoff`; returns how many. */
  async deleteBefore(cutoff: Date): Promise<number> {
    const result = await this.repo.createQueryBuilder().delete().where('created_at < :cutoff', { cutoff }).execute();
    return result.affected ?? 0;
  }

  /** Attempts of one delivery, first to last. */
  forDelivery(deliveryId: string): Promise<NotificationDelivery[]> {
    return this.repo.find({ where: { deliveryId }, order: { attempt: 'ASC', createdAt: 'ASC' } });
  }

  async list(query: DeliveryQuery): Promise<Page<NotificationDelivery>> {
    const where: FindOptionsWhere<NotificationDelivery> = {};
    if (query.channel) where.channel = query.channel;
    if (query.status) where.status = query.status;
    if (query.event) where.event = query.event;
    if (query.deliveryId) where.deliveryId = query.deliveryId;
    const result = await this.repo.findAndCount({ where, order: { createdAt: 'DESC', attempt: 'DESC' }, ...skipTake(query) });
    return toPage(result, query);
  }
}
