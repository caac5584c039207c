import { TSchema, Type } from '@sinclair/typebox';

/**
 * Response schemas are TypeBox schemas (JSON Schema 2020-12). A `title` marks a
 * named schema: the document lists it once under components.schemas and refers to it.
 */
export function named<T extends TSchema>(name: string, schema: T): T {
  return { ...schema, title: name };
}

/** An object that has exactly these fields: a field the API sends but the document lacks fails the contract tests. */
export function closed<T extends Parameters<typeof Type.Object>[0]>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

export function StringEnum<T extends readonly string[]>(values: T) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
}

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

export const DateTime = Type.String({ format: 'date-time' });
export const Uuid = Type.String({ format: 'uuid' });
/** Free-form details recorded by a job (shape depends on the job kind). */
export const Details = Type.Record(Type.String(), Type.Unknown());
