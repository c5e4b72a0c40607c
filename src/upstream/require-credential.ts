import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { Context } from '../context.js';

/** Root fields answered without the upstream: the router's and rover's schema fetch, introspection. */
const OFFLINE_ROOT_FIELDS = new Set(['_service', '__schema', '__type', '__typename']);

function needsUpstream(selectionSet: SelectionSetNode, document: DocumentNode): boolean {
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return !OFFLINE_ROOT_FIELDS.has(selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT) return needsUpstream(selection.selectionSet, document);
    const fragment = document.definitions.find(
      (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
    );
    return fragment?.kind === Kind.FRAGMENT_DEFINITION ? needsUpstream(fragment.selectionSet, document) : true;
  });
}

/**
 * Rejects, with its UNAUTHENTICATED error (HTTP 401), an operation that needs the upstream when the request
 * carries no credential, before any resolver runs.
 */
export function requireCredentialPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document }) {
          if (contextValue.credentialError && (!operation || needsUpstream(operation.selectionSet, document)))
            throw contextValue.credentialError;
        },
      };
    },
  };
}
