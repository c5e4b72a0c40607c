import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

/**
 * graphql-scalars' `DateTime` (same name, description, input parsing and validation), serialised to its ISO
 * string during execution. graphql-scalars leaves a `Date` in the result, which the response's `JSON.stringify`
 * then turns into the same string through `toJSON`, one call per date and off V8's fast path: that was ~60% of
 * serialising a 20-record page (`npm run bench:layers`). The JSON on the wire is unchanged.
 */
export const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize(value) {
    const date: unknown = DateTimeResolver.serialize(value);
    return date instanceof Date ? date.toISOString() : date;
  },
});
