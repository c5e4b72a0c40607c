import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, visit, type DocumentNode, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { ErrorCode } from './upstream/errors.js';

/*
 * What a client may ask for, checked before anything runs. Depth, aliases and directives use GraphQL Armor's
 * validation rules (a 400 GRAPHQL_VALIDATION_FAILED). Tokens use graphql-js' own `maxTokens` parse option
 * rather than Armor's max-tokens plugin, which turns every syntax error into an HTTP 500
 * (Escape-Technologies/graphql-armor#571, #751): here an over-long document is a parse error with HTTP 400.
 */

/** Cost unit: one upstream request. Fields that never call the upstream cost nothing. */
export function upstreamCostEstimator(pageSize: number, defaultPageSize = 20): ComplexityEstimator {
  const pages = (n: number) => Math.max(1, Math.ceil(n / pageSize));
  return ({ type, field, args, childComplexity }) => {
    const key = `${type.name}.${field.name}`;
    switch (key) {
      case 'Query.callRecords': {
        const n = (args.first as number | undefined) ?? (args.last as number | undefined) ?? defaultPageSize;
        // Backward paging reads the head (for the count) before the tail.
        return pages(n) + (args.last != null ? 1 : 0) + childComplexity;
      }
      case 'CallRecordConnection.totalCount':
        return 1;
      case 'Query.callRecord':
        return 1 + childComplexity;
      // Repeated ids are fetched once (the loader deduplicates), so only distinct ids count.
      case 'Query.callRecordsByCallIds':
        return (Array.isArray(args.callIds) ? new Set(args.callIds).size : 1) + childComplexity;
      case 'Query._entities':
        return (
          (Array.isArray(args.representations)
            ? new Set(args.representations.map((r: { callId?: unknown }) => String(r?.callId))).size
            : 1) + childComplexity
        );
      default:
        return childComplexity;
    }
  };
}

/** Arguments whose values the estimator above reads (keep in step with it), or that decide whether a field runs. */
const COST_ARGUMENTS = new Set(['first', 'last', 'callIds', 'representations', 'if']);

/** The variables of a document that can change its cost: those used in the arguments above. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(argument) {
      if (!COST_ARGUMENTS.has(argument.name.value)) return false;
      visit(argument.value, { Variable: (v) => void names.add(v.name.value) });
      return false;
    },
  });
  return [...names].sort();
}

/**
 * Costs already computed, per document (Apollo hands back the same parsed document for the same query text) and
 * per values of its cost variables: a list page, or 50 lookups whose ids change on every request, is estimated
 * once instead of on every request (the estimate walks the whole document: ~6% of a list query's CPU).
 */
function createCostCache(maxPerDocument = 500) {
  const byDocument = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();
  const entryFor = (document: DocumentNode) => {
    let entry = byDocument.get(document);
    if (!entry) byDocument.set(document, (entry = { variables: costVariables(document), costs: new Map() }));
    return entry;
  };
  return (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>, compute: () => number) => {
    const entry = entryFor(document);
    const key = JSON.stringify([operationName ?? null, ...entry.variables.map((name) => variables[name] ?? null)]);
    let cost = entry.costs.get(key);
    if (cost === undefined) {
      cost = compute();
      if (entry.costs.size >= maxPerDocument) entry.costs.clear();
      entry.costs.set(key, cost);
    }
    return cost;
  };
}

export interface RequestLimits {
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  plugins: Array<ApolloServerPlugin<Context>>;
}

export function createRequestLimits(config: Config): RequestLimits {
  const limits = config.graphql.limits;
  const estimator = upstreamCostEstimator(config.upstream.pageSize);
  const costOf = createCostCache();

  // Rejects, before execution, an operation that could fan out to more upstream requests than the budget.
  const costPlugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let cost: number;
          const variables = request.variables ?? {};
          try {
            cost = costOf(document, request.operationName, variables, () =>
              getComplexity({
                schema,
                query: document,
                variables,
                ...(request.operationName ? { operationName: request.operationName } : {}),
                estimators: [estimator],
              }),
            );
          } catch {
            // Variables that do not coerce: execution refuses them (400 BAD_USER_INPUT) before any resolver runs.
            return;
          }
          if (cost > limits.cost)
            throw new GraphQLError(
              `This operation could make ${cost} upstream requests; the limit is ${limits.cost}. Ask for fewer records or split it.`,
              { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, cost, maxCost: limits.cost, http: { status: 400 } } },
            );
        },
      };
    },
  };

  // An unexpected error carries the request id, so an operator can find it in the logs.
  const requestIdPlugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const requestId = contextValue?.requestId;
          if (!requestId) return;
          response.http.headers.set('x-request-id', requestId);
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? [])
            if (error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR)
              (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, requestId };
        },
      };
    },
  };

  // Armor's rules throw by default, which Apollo answers with a 500; reported, they are validation errors (400).
  const report = {
    propagateOnRejection: false,
    onReject: [
      (ctx: ValidationContext | null, error: GraphQLError) =>
        ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
    ],
  };
  return {
    parseOptions: { maxTokens: limits.tokens },
    validationRules: [
      maxDepthRule({ n: limits.depth, ignoreIntrospection: true, ...report }),
      maxAliasesRule({ n: limits.aliases, ...report }),
      maxDirectivesRule({ n: limits.directives, ...report }),
    ],
    plugins: [
      costPlugin,
      requestIdPlugin,
      // Apollo enables inline traces on subgraphs by default; they expose timings and error details to any caller.
      ...(config.graphql.inlineTraces ? [] : [ApolloServerPluginInlineTraceDisabled() as ApolloServerPlugin<Context>]),
    ],
  };
}
