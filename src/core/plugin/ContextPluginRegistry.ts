import { logger } from "../log.js";

/** What an extension attached to a running context releases when that context stops. */
export interface ContextPlugin {
  shutdown(): void | Promise<void>;
}

/**
 * Extensions that attach to every context of one kind when it starts, as Spark's driver plugins
 * (`spark.plugins`) do. Outer layers such as the web UI register here, so that core and
 * streaming never import them (DESIGN §1). A plugin that fails to start or stop is logged and
 * skipped: it must never stop the application.
 */
export class ContextPluginRegistry<C> {
  private readonly factories = new Set<(context: C) => ContextPlugin | undefined>();

  constructor(private readonly kind: string) {}

  /** Adds a factory that runs for each context started from now on; returns its removal. */
  register(factory: (context: C) => ContextPlugin | undefined): () => void {
    this.factories.add(factory);
    return () => this.factories.delete(factory);
  }

  /** @internal */
  start(context: C): ContextPlugin[] {
    const started: ContextPlugin[] = [];
    for (const factory of this.factories) {
      try {
        const plugin = factory(context);
        if (plugin) started.push(plugin);
      } catch (e) {
        logger().warn({ err: e instanceof Error ? e.message : String(e) }, `A ${this.kind} plugin failed to start; continuing without it`);
      }
    }
    return started;
  }

  /** @internal Stops plugins in the reverse order of their start. */
  async shutdown(plugins: readonly ContextPlugin[]): Promise<void> {
    for (const plugin of [...plugins].reverse()) {
      try {
        await plugin.shutdown();
      } catch (e) {
        logger().warn({ err: e instanceof Error ? e.message : String(e) }, `A ${this.kind} plugin failed to stop`);
      }
    }
  }
}
