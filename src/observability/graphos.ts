import type { ApolloServerPlugin } from '@apollo/server';
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
 * no variable values and no headers (they hold phone numbers and credentials). Loaded only when configured
 * (its protobuf code is ~2 MiB of a gateway's idle memory).
 */
export async function usageReportingPlugins(
  config: Pick<Config, 'apollo'>,
  overrides: UsageReportingOverrides = {},
): Promise<ApolloServerPlugin<Context>[]> {
  if (!config.apollo) return [];
  const { ApolloServerPluginUsageReporting } = await import('@apollo/server/plugin/usageReporting');
  return [
    ApolloServerPluginUsageReporting<Context>({
      sendVariableValues: { none: true },
      sendHeaders: { none: true },
      ...overrides,
    }),
  ];
}
