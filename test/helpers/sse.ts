import { waitFor } from './wait';

export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * A Server-Sent Events client for tests: parses the stream as it arrives (events and
 * comments) and lets a test wait, with a deadline, for what it expects.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  private readonly abort = new AbortController();
  private ended = false;

  private constructor() {}

  static async open(url: string, headers: Record<string, string>): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: client.abort.signal });
    client.status = res.status;
    if (res.status !== 200 || !res.body) {
      client.ended = true;
      client.body = await res.text();
      return client;
    }
    void client.consume(res.body);
    return client;
  }

  body = '';

  private async consume(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
  }

  private parse(block: string): void {
    const message: SseMessage = { event: 'message', data: '' };
    let isEvent = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) message.id = line.slice(4);
      else if (line.startsWith('event: ')) message.event = line.slice(7);
      else if (line.startsWith('data: ')) {
        message.data += line.slice(6);
        isEvent = true;
      }
    }
    if (isEvent) this.messages.push(message);
  }

  /** Events whose JSON data matches. */
  events<T = Record<string, unknown>>(predicate: (event: string, data: T) => boolean = () => true): { id?: string; event: string; data: T }[] {
    return this.messages.map((m) => ({ id: m.id, event: m.event, data: JSON.parse(m.data) as T })).filter((m) => predicate(m.event, m.data));
  }

  async waitForEvent<T = Record<string, unknown>>(what: string, predicate: (event: string, data: T) => boolean, timeoutMs = 60_000) {
    return waitFor(async () => this.events<T>(predicate)[0], what, timeoutMs, 50);
  }

  get closed(): boolean {
    return this.ended;
  }

  close(): void {
    this.abort.abort();
  }
}
