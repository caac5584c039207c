import type { Response } from 'express';

/** Who made a request, as the audit log records it: a session id or a key's fingerprint, never a key. */
export interface Actor {
  kind: 'session' | 'key';
  id: string;
}

export function setActor(res: Response, actor: Actor): void {
  res.locals.actor = actor;
}

export function actorOf(res: Response): Actor | undefined {
  return res.locals.actor as Actor | undefined;
}
