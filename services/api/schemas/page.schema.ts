import { TSchema, Type } from '@sinclair/typebox';
import { closed, named } from './schema-helpers';

/** The envelope of every list: `items`, `total`, `page`, `pageSize`. */
export function pageOf<T extends TSchema>(name: string, item: T) {
  return named(name, closed({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer({ minimum: 1 }), pageSize: Type.Integer({ minimum: 1 }) }));
}
