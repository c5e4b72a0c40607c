import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginUsageReporting } from '@apollo/server/plugin/usageReporting';
import type { Config } from '../config.js';
import type { Context } from '../context.js';

/** Overrides for tests (a loopback ingress); production uses Apollo's defaults. */
export interface UsageReportingOverrides {
  endpointUrl?: string;
  sendReportsImmediately?: boolean;
}

/**
 * GraphOS usage reporting, when APOLLO_KEY and APOLLO_GRAPH_REF are configured. Apollo Server would skip it on
 * its own because this schema is a subgraph (behind a router, the router reports); it is installed
 * explicitly because the gateway is also served to clients directly. Operation shapes and timings only:
 * no variable values and no headers (they hold phone numbers and credentials).
 */
export function usageReportingPlugins(
  config: Pick<Config, 'apollo'>,
  overrides: UsageReportingOverrides = {},
): ApolloServerPlugin<Context>[] {
  if (!config.apollo) return [];
  return [
    ApolloServerPluginUsageReporting<Context>({
      sendVariableValues: { none: true },
      sendHeaders: { none: true },
      ...overrides,
    }),
  ];
}
