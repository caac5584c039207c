import { getMetadataStorage, IS_OPTIONAL, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { DtoClass } from './route-definition';

// Where class-transformer keeps @Type(): the generator reads it for nested and converted fields (not in its package exports' types).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

export type JsonSchema = Record<string, unknown>;

/** Properties that `@IsOptional()` lets be null as well as absent (a `@ValidateIf(v !== undefined)` one may only be absent). */
function nullableProperties(dto: DtoClass): Set<string> {
  const metas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return new Set(metas.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION && m.name === IS_OPTIONAL).map((m) => m.propertyName));
}

/** Our own class-validator decorators, as far as JSON Schema can say them. */
const CONVERTERS = {
  isUrlWithProtocol: (meta: { constraints: unknown[] }) => ({
    format: 'uri',
    pattern: `^(${(meta.constraints[0] as string[]).join('|')})://`,
  }),
  noUrlCredentials: { description: 'Without user name or password' },
  // Any other custom validator: no schema of its own, rather than the generator's dangling $ref.
  [ValidationTypes.CUSTOM_VALIDATION]: {},
};

/**
 * The JSON Schema (2020-12 compatible) of what parseDto accepts for this DTO,
 * generated from its class-validator decorators by class-validator-jsonschema.
 * Unknown fields are refused by parseDto, so the schema closes the object.
 * `nullable`: bodies (JSON can carry null); query strings and paths cannot.
 */
export function dtoSchema(dto: DtoClass, options: { nullable: boolean }): JsonSchema {
  const schema = structuredClone(
    targetConstructorToSchema(dto, { classTransformerMetadataStorage: defaultMetadataStorage, additionalConverters: CONVERTERS }),
  ) as JsonSchema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  // Field initialisers are the defaults parseDto fills in.
  const defaults = new dto() as Record<string, unknown>;
  for (const [name, property] of Object.entries(properties)) if (defaults[name] !== undefined) property.default = defaults[name];
  if (options.nullable) {
    for (const name of nullableProperties(dto)) if (properties[name]) properties[name] = { anyOf: [properties[name], { type: 'null' }] };
  }
  return { type: 'object', properties, ...(schema.required ? { required: schema.required } : {}), additionalProperties: false };
}

/** OpenAPI parameter objects (`in: path` or `query`) for each property of a params or query DTO. */
export function dtoParameters(dto: DtoClass, location: 'path' | 'query'): JsonSchema[] {
  const schema = dtoSchema(dto, { nullable: false });
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(schema.properties as Record<string, JsonSchema>).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
  }));
}
