// A finding is one problem with a config: the unit shared by the language
// server (shown as a diagnostic) and the runtime (shown as an error by
// `berth create`). The same code and message appear in both places.

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** JSON pointer (RFC 6901) to the offending value, e.g. `/process/args/0`. */
  pointer: string;
  /** Stable identifier: `schema/<keyword>` for schema errors, `<area>/<rule>` for semantic rules. */
  code: string;
  severity: Severity;
  /** Lowercase, no trailing period, names the object: "process.args[0] `sh` not found in PATH". */
  message: string;
  /** Whatever a quick fix needs (replacement text, the namespace to add, …). */
  data?: unknown;
}
