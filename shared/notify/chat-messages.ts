import { EventSummary, Severity, summarizeEvent } from './event-summary';
import type { NotificationEvent } from '../domain/notification-events';
import { truncate } from '../util/format';

const SLACK_EMOJI: Record<Severity, string> = {
  success: ':white_check_mark:',
  warning: ':warning:',
  failure: ':rotating_light:',
  info: ':information_source:',
};

/** Slack mrkdwn treats these three as control characters. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function footer(event: NotificationEvent, summary: EventSummary): string {
  return `Kanbu Backup · ${event.event} · ${summary.timestamp}`;
}

/** A Slack incoming-webhook message (Block Kit, with `text` as the notification fallback), within Slack's size limits. */
export function slackMessage(event: NotificationEvent) {
  const summary = summarizeEvent(event);
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${summary.title}`, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(slackEscape(summary.text), 3000) } },
  ];
  if (summary.fields.length > 0) {
    blocks.push({
      type: 'section',
      fields: summary.fields.slice(0, 10).map((f) => ({ type: 'mrkdwn', text: truncate(`*${f.label}*\n${slackEscape(f.value)}`, 2000) })),
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(footer(event, summary)) }] });
  return { text: truncate(`${SLACK_EMOJI[summary.severity]} ${slackEscape(summary.title)}`, 3000), blocks };
}

const DISCORD_COLORS: Record<Severity, number> = {
  success: 0x2eb67d,
  warning: 0xecb22e,
  failure: 0xe01e5a,
  info: 0x36c5f0,
};

/** A Discord webhook message with one embed, within Discord's limits; mentions in error texts are never pinged. */
export function discordMessage(event: NotificationEvent) {
  const summary = summarizeEvent(event);
  return {
    username: 'Kanbu Backup',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: truncate(summary.title, 256),
        description: truncate(summary.text, 4096),
        color: DISCORD_COLORS[summary.severity],
        fields: summary.fields.slice(0, 25).map((f) => ({ name: truncate(f.label, 256), value: truncate(f.value, 1024), inline: f.value.length <= 40 })),
        footer: { text: truncate(footer(event, summary), 2048) },
        timestamp: summary.timestamp,
      },
    ],
  };
}
