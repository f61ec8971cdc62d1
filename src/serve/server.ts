// Listens: buildApp + host/port, graceful shutdown on SIGTERM/SIGINT (stop accepting, finish
// in-flight requests, release the bundle), SIGHUP = reload the bundle from the configured path.
import { buildApp, type AppDeps, type ServeApp } from './app.ts';

/** Server options: the app's dependencies plus where to listen. */
export interface StartServerOptions extends AppDeps {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 8080; 0 = any free port. */
  port?: number;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (default true). */
  signals?: boolean;
}

/** A listening service. */
export interface RunningServer {
  app: ServeApp;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Stops listening after in-flight requests finish; removes the signal handlers. */
  close(): Promise<void>;
}

/**
 * Starts the service.
 * @example const s = await startServer({ store, bundle, bundlePath: 'ws/bundle', port: 8080 }); ... await s.close();
 */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const app = buildApp(opts);
  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 8080;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  let closing: Promise<void> | null = null;
  const handlers: [NodeJS.Signals, () => void][] = [];
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const [sig, h] of handlers) process.off(sig, h);
      await app.close();
    })();
    return closing;
  };
  if (opts.signals ?? true) {
    const stop = (sig: NodeJS.Signals) => (): void => {
      app.log.info({ signal: sig }, 'shutting down');
      close().then(() => process.exit(0), (err) => { app.log.error({ err }, 'shutdown failed'); process.exit(1); });
    };
    const hup = (): void => {
      app.log.info('SIGHUP: reloading the bundle');
      app.serving.reload().catch(() => undefined); // refused reloads are logged by reload()
    };
    handlers.push(['SIGTERM', stop('SIGTERM')], ['SIGINT', stop('SIGINT')], ['SIGHUP', hup]);
    for (const [sig, h] of handlers) process.on(sig, h);
  }
  app.log.info({ url, modelVersion: app.serving.current()?.modelVersion ?? null }, 'hgrec serving');
  return { app, url, port, close };
}
