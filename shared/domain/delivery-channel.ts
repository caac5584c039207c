/** Channels an operator configures in the notification settings. */
export const CHANNELS = ['webhook', 'email', 'slack', 'discord'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Every kind of delivery: the channels, plus the heartbeat ping configured in the environment. */
export const DELIVERY_CHANNELS = [...CHANNELS, 'heartbeat'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
