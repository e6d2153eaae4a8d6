// berthd's entry (dist/berthd.js; also `berth daemon`). Parses flags, starts
// the daemon, and turns SIGTERM/SIGINT into a graceful stop that leaves
// containers running.
import { makeLogger, type Logger } from './log';
import { parseOptions, USAGE, UsageError } from './options';

export async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`berthd: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  // Only from the built bundle: under tsx this file is TypeScript that plain node cannot start.
  if (__filename.endsWith('.js')) (await import('./nodeFlags')).applyNodeFlags(__filename, argv);
  const log = makeLogger(opts.logFormat, opts.debug);
  const { Daemon } = await import('./daemon');
  const { loadRuntime } = await import('./runtime');
  const { InitPool } = await import('./pool');
  const daemon = new Daemon(opts, log, loadRuntime(opts.initPool > 0 ? new InitPool(opts.initPool, log) : undefined));
  try {
    await daemon.start();
  } catch (e) {
    log('error', (e as Error).message.replace(/\.$/, ''));
    return 1;
  }
  keepServing(log);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log('info', `${sig}: shutting down`);
      void daemon.stop().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

/**
 * Once berthd serves, an exception nothing caught (thrown from an event
 * handler or a timer) or a rejection nothing handled is logged with its
 * stack, and berthd carries on. Node's default, exiting, would end every
 * user's connections, consoles and follow sessions, and lose the exit
 * status of every container berthd is the parent of (after a restart the
 * host's init reaps them and their status is gone, README.md), for a fault
 * that came from one request or one container: a malformed message from a
 * stage (helper/runtime/channel.ts now fails only that request) is the kind
 * of input that once took berthd down for everyone. Carrying on is the lesser
 * harm: what berthd keeps on disk is written temp+rename behind intent
 * records, so a handler cut short leaves it no worse than the crash would,
 * and most in-memory state is per connection or per container, so the damage
 * stays with the request, connection or container involved. Start-up faults still end berthd
 * (start() above returns 1), as do V8's fatal errors, which no handler sees.
 */
export function keepServing(log: Logger): void {
  const report = (what: string) => (e: unknown) =>
    log('error', `${what} (berthd carries on)`, { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`berthd: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
