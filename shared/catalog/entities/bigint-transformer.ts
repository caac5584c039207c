import { ValueTransformer } from 'typeorm';

/** node-postgres returns BIGINT as a string; byte counts fit a JS number up to 8 PiB. */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
