// berthd's own log on stderr: one line per event, human text by default,
// JSON lines with --log-format json (for journald or a collector). Debug
// lines only with --debug.
export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: Level, msg: string, fields?: Record<string, unknown>) => void;

export function makeLogger(format: 'text' | 'json', debug: boolean, out: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return (level, msg, fields = {}) => {
    if (level === 'debug' && !debug) return;
    const time = new Date().toISOString();
    if (format === 'json') {
      out(JSON.stringify({ time, level, msg, ...fields }) + '\n');
      return;
    }
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
      .join(' ');
    out(`${time} ${level.padEnd(5)} ${msg}${extra ? ' ' + extra : ''}\n`);
  };
}
