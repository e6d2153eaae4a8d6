// `berth`: a runc-compatible command line. Global flags come before the
// verb (as with runc); each verb parses its own. Exit status 1 on any error
// (255 when exec cannot start its process, as runc),
// with the message in runc's log format on stderr (and in --log).
import { parseArgs } from 'node:util';
import { COMMANDS } from './commands';
import { makeLogger } from './log';
import { endFlagsAt, ExitStatusError, joinFlagValues, restAfter, UsageError, type Globals, type Verb } from './verb';
import { RuntimeError } from '../runtime/errors';

declare const BERTH_VERSION: string | undefined;
const VERSION = typeof BERTH_VERSION === 'string' ? BERTH_VERSION : '0.1.0';
const SPEC_VERSION = '1.3.0';

const GLOBAL_HELP = `berth - an OCI container runtime (runc-compatible)

USAGE:
   berth [global options] command [command options] [arguments...]

COMMANDS:
${Object.keys(COMMANDS).map((c) => `   ${c}`).join('\n')}

GLOBAL OPTIONS:
   --root value          root directory for storage of container state (default: "/run/berth")
   --log value           set the log file to write berth logs to (default: stderr)
   --log-format value    set the log format ('text' (default), or 'json')
   --debug               enable debug logging
   --version, -v         print the version
   --help, -h            show help
   --cgroup-manager value, --systemd-cgroup, --rootless value
                         accepted for compatibility with crun's and runc's callers; ignored
`;

interface GlobalFlags {
  root: string;
  log?: string;
  logFormat: 'text' | 'json';
  debug: boolean;
}

/** Global flags end at the first word that is not one of them: the verb. */
function splitGlobals(argv: string[]): { g: GlobalFlags; rest: string[]; special?: 'version' | 'help' } {
  const g: GlobalFlags = { root: '/run/berth', logFormat: 'text', debug: false };
  let i = 0;
  const value = (name: string, inline?: string) => {
    if (inline !== undefined) return inline;
    if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: ${name}`);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) break;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    switch (name) {
      case '--root': g.root = value(name, inline); break;
      case '--log': g.log = value(name, inline); break;
      case '--log-format': {
        const f = value(name, inline);
        if (f !== 'text' && f !== 'json') throw new UsageError(`--log-format: unknown format \`${f}\` (text or json)`);
        g.logFormat = f;
        break;
      }
      case '--debug': g.debug = true; break;
      case '--cgroup-manager': case '--rootless': case '--criu': value(name, inline); break;
      case '--systemd-cgroup': break;
      case '--version': case '-v': return { g, rest: [], special: 'version' };
      case '--help': case '-h': return { g, rest: [], special: 'help' };
      default: throw new UsageError(`flag provided but not defined: ${name}`);
    }
  }
  return { g, rest: argv.slice(i) };
}

async function main(argv: string[]): Promise<number> {
  let log = makeLogger({ format: 'text', debug: false });
  try {
    const { g, rest, special } = splitGlobals(argv);
    log = makeLogger({ file: g.log, format: g.logFormat, debug: g.debug });
    if (special === 'version') {
      process.stdout.write(`berth version ${VERSION}\nspec: ${SPEC_VERSION}\n`);
      return 0;
    }
    if (special === 'help' || rest.length === 0) {
      process.stdout.write(GLOBAL_HELP);
      return 0; // as runc: help without a command is not an error
    }
    const [name, ...given] = rest;
    const load = COMMANDS[name];
    if (!load) {
      log('error', `no such command: ${name}`);
      return 3; // runc's (urfave/cli's) status for an unknown command
    }
    const verb: Verb = load();
    // exec: everything from the command on is the command's own (`exec <id> ls -la`).
    const split = verb.restAfter !== undefined ? restAfter(given, verb.options, verb.restAfter) : verb.commandAfter !== undefined ? endFlagsAt(given, verb.options, verb.commandAfter) : given;
    const args = joinFlagValues(split, verb.options);
    const ownFlags = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
    if (ownFlags.includes('--help') || ownFlags.includes('-h')) {
      process.stdout.write(`NAME:\n   berth ${name} - ${verb.summary}\n\nUSAGE:\n   ${verb.usage}\n`);
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args, options: verb.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${name}: ${(e as Error).message.split('\n')[0].replace(/^./, (c) => c.toLowerCase())}`);
    }
    const [min, max] = verb.positionals;
    const pos = parsed.positionals;
    if (pos.length < min || pos.length > max) {
      throw new UsageError(`${name}: ${pos.length < min ? 'missing' : 'too many'} arguments; usage: ${verb.usage}`);
    }
    const globals: Globals = { root: g.root, debug: g.debug, ctx: { root: g.root, log } };
    return await verb.run(parsed.values, pos, globals);
  } catch (thrown) {
    const status = thrown instanceof ExitStatusError ? thrown.status : 1;
    const e = thrown instanceof ExitStatusError ? thrown.original : thrown;
    const pointer = e instanceof RuntimeError && e.pointer !== undefined ? { pointer: e.pointer } : {};
    const msg = e instanceof Error ? e.message : String(e);
    log('error', msg, pointer);
    return status;
  }
}

/**
 * process.exit() once stdout and stderr have taken everything written to
 * them. On a pipe Node writes asynchronously: what the pipe's 64 KiB buffer
 * could not take at once waits in the stream, and exiting straight away cut
 * `state` or `list --format json` of a container with large annotations at
 * 65,536 bytes, unparseable for podman or containerd-shim reading it. A
 * reader that has gone (EPIPE) ends the wait too.
 */
function exitWhenWritten(code: number): void {
  const written = (s: NodeJS.WriteStream) =>
    new Promise<void>((res) => {
      if (s.writableLength === 0 || s.destroyed) return res();
      s.once('drain', res).once('error', () => res()).once('close', res);
    });
  void Promise.all([written(process.stdout), written(process.stderr)]).then(() => process.exit(code));
}

main(process.argv.slice(2)).then(exitWhenWritten, (e) => {
  process.stderr.write(`berth: ${(e as Error).stack ?? e}\n`);
  exitWhenWritten(1);
});
