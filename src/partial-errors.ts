import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Context } from './context.js';
import { ErrorCode } from './upstream/errors.js';

/*
 * Errors that do not null a field: a list served without the upstream rows the gateway could not read. graphql-js
 * only knows errors that null their field, so these are collected in the context and appended to the response.
 */

type Path = ReadonlyArray<string | number>;

/** Reports that `count` upstream rows were left out of the list at `path`. */
export function reportUnreadableRows(ctx: Context, path: Path, count: number): void {
  ctx.partialErrors.push({
    message: `The call-records API sent ${count} record(s) the gateway cannot read; they are left out of this list.`,
    path: [...path],
    extensions: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, unreadableRecords: count },
  });
}

/** Appends the request's partial errors to its response. */
export const partialErrorsPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        const extra = contextValue?.partialErrors ?? [];
        if (extra.length === 0 || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        result.errors = [...(result.errors ?? []), ...extra.map((e) => new GraphQLError(e.message, e).toJSON())];
      },
    };
  },
};

export type PartialError = GraphQLFormattedError & { path: Path };
