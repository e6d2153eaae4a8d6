// berthd's entry (dist/berthd.js; also `berth daemon`). Parses flags, starts
// the daemon, and turns SIGTERM/SIGINT into a graceful stop that leaves
// containers running.
import { makeLogger } from './log';
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

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`berthd: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
