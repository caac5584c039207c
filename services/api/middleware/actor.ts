import type { Request } from 'express';
import type { Session } from '../session/session-store';

/** Who made a request, as the audit log records it: a session id or a key's fingerprint, never a key. */
export interface Actor {
  kind: 'session' | 'key';
  id: string;
  /** The live session, when a session cookie authenticated the request. */
  session?: Session;
}

const actors = new WeakMap<Request, Actor>();

export function setActor(req: Request, actor: Actor): void {
  actors.set(req, actor);
}

export function actorOf(req: Request): Actor | undefined {
  return actors.get(req);
}
