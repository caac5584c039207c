import type { TSchema } from '@sinclair/typebox';
import type { Request, RequestHandler } from 'express';
import type { Readable } from 'node:stream';
import type { ErrorCode } from '../../../shared/errors';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { AuthSchemeName } from './auth-schemes';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A class-validator DTO: the validation and, through class-validator-jsonschema, the documented schema. */
export type DtoClass<T extends object = object> = new () => T;

export interface ResponseSpec {
  description: string;
  /** TypeBox schema of the body; absent for bodies the document only names by media type. */
  schema?: TSchema;
  /** Default `application/json`. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: TSchema }>;
}

/** What a handler answers: JSON (or text) in `body`, or bytes in `stream`. */
export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sets Content-Disposition: attachment with this file name. */
  attachment?: string;
  stream?: Readable;
  /** Called when a stream ends early: headers are sent by then, so the error can only be logged. */
  onStreamError?: (err: unknown) => void;
}

export interface RouteContext<P, Q, B> {
  runtime: Runtime;
  params: P;
  query: Q;
  body: B;
  req: Request;
}

export interface RouteDefinition<P extends object = object, Q extends object = object, B extends object = object> {
  method: HttpMethod;
  /** Express syntax (`/api/backups/:id`); the document turns `:id` into `{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Schemes that each let the request in (any one of them); empty: public. */
  auth: readonly AuthSchemeName[];
  params?: DtoClass<P>;
  query?: DtoClass<Q>;
  body?: DtoClass<B>;
  /** Success responses by status. */
  responses: Record<number, ResponseSpec>;
  /** Error codes the handler itself can answer; auth, validation and body-parser codes are added from the definition. */
  errors?: readonly ErrorCode[];
  /** Runs before authentication (e.g. a route switched off by configuration answers 404 to everyone). */
  precondition?: (runtime: Runtime) => void;
  /** Kept out of the document (static assets of the docs page); still a described route. */
  undocumented?: boolean;
  handler: (ctx: RouteContext<P, Q, B>) => Promise<Reply> | Reply;
}

/** A sub-application mounted under a prefix (Bull Board, static assets), described as one entry. */
export interface MountDefinition {
  path: string;
  summary: string;
  auth: readonly AuthSchemeName[];
  /** The document describes `GET <path>` with this response (e.g. an HTML page). */
  page?: { operationId: string; tag: string; response: ResponseSpec };
  router: (runtime: Runtime) => RequestHandler;
}

/** Keeps each route's param, query and body types tied to its DTO classes. */
export function defineRoute<P extends object = object, Q extends object = object, B extends object = object>(route: RouteDefinition<P, Q, B>): RouteDefinition {
  return route as unknown as RouteDefinition;
}
