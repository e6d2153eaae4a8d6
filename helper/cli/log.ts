// --log, --log-format and --debug: messages in logrus's text form (as runc
// writes them, so tools that parse runc's log parse ours) or as JSON lines.
// A JSON line carries the config pointer so an editor can pin it to a line.
import { appendFileSync } from 'node:fs';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LogOptions {
  file?: string;
  format: 'text' | 'json';
  debug: boolean;
}

export function makeLogger(o: LogOptions) {
  return (level: Level, msg: string, fields: Record<string, unknown> = {}): void => {
    if (level === 'debug' && !o.debug) return;
    const time = new Date().toISOString();
    let line: string;
    if (o.format === 'json') line = JSON.stringify({ level: level === 'warn' ? 'warning' : level, msg, ...fields, time });
    else {
      const extra = Object.entries(fields).map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join('');
      line = `time="${time}" level=${level === 'warn' ? 'warning' : level} msg=${JSON.stringify(msg)}${extra}`;
    }
    if (o.file) appendFileSync(o.file, line + '\n');
    // Errors always reach stderr too; the rest only when no log file was given.
    if (!o.file || level === 'error') process.stderr.write(line + '\n');
  };
}
