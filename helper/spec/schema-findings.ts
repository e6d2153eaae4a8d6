// Turns ajv errors from the generated validators into findings: one code per
// JSON-schema keyword (`schema/type`, `schema/enum`, …), messages in the
// project's style, and unknown keys as warnings with "did you mean".
import type { ErrorObject } from 'ajv';
import { closest } from './did-you-mean';
import type { Finding } from './finding';
import type { Fix } from './fix';
import { KNOWN_KEYS } from './generated/known-keys';
import { displayPath, join, valueAt } from './pointer';

export const UNKNOWN_KEY = 'spec/unknown-key';


/**
 * `value` is the validated document: the validators are generated without
 * ajv's `verbose` (smaller code), so offending values are looked up in it.
 */
export function schemaFindings(doc: 'config' | 'state' | 'features', errors: ErrorObject[], value: unknown): Finding[] {
  const out: Finding[] = [];
  const valueOf = (e: ErrorObject) => valueAt(value, e.instancePath);
  for (const e of errors) {
    const at = displayPath(e.instancePath);
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(p.additionalProperty);
        const known = KNOWN_KEYS[doc][e.schemaPath.replace(/\/additionalProperties$/, '')] ?? [];
        const here = valueAt(value, e.instancePath);
        // A key that is already present is no typo target: renaming onto it would duplicate it.
        const guess = closest(key, known.filter((k) => !(here && typeof here === 'object' && Object.hasOwn(here, k))));
        out.push({
          pointer: join(e.instancePath, key),
          code: UNKNOWN_KEY,
          severity: 'warning',
          message: `unknown key \`${key}\` in ${at}${guess ? ` (did you mean \`${guess}\`?)` : ''}: runtimes ignore it`,
          data: (guess ? { kind: 'rename-key', title: `Rename to \`${guess}\``, key: guess }
            : { kind: 'remove', title: `Remove \`${key}\``, pointer: join(e.instancePath, key) }) satisfies Fix,
        });
        break;
      }
      case 'required':
        out.push({ pointer: e.instancePath, code: 'schema/required', severity: 'error', message: `${at} is missing required \`${String(p.missingProperty)}\``, data: { missing: p.missingProperty } });
        break;
      case 'type':
        out.push({ pointer: e.instancePath, code: 'schema/type', severity: 'error', message: `${at} must be ${article(String(p.type))}` });
        break;
      case 'enum': {
        const allowed = p.allowedValues as unknown[];
        const value = valueOf(e);
        const guess = typeof value === 'string' ? closest(value, allowed.filter((a): a is string => typeof a === 'string')) : undefined;
        out.push({
          pointer: e.instancePath,
          code: 'schema/enum',
          severity: 'error',
          message: `${at} ${JSON.stringify(value)} is not one of ${allowed.map(String).join(', ')}${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
          ...(guess ? { data: { kind: 'replace-value', title: `Change to \`${guess}\``, value: guess } satisfies Fix } : {}),
        });
        break;
      }
      case 'minimum': case 'maximum':
        out.push({ pointer: e.instancePath, code: `schema/${e.keyword}`, severity: 'error', message: `${at} must be ${String(p.comparison)} ${String(p.limit)}` });
        break;
      case 'pattern':
        out.push({ pointer: e.instancePath, code: 'schema/pattern', severity: 'error', message: `${at} ${JSON.stringify(valueOf(e))} does not match ${String(p.pattern)}` });
        break;
      case 'minItems':
        out.push({ pointer: e.instancePath, code: 'schema/minItems', severity: 'error', message: `${at} must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` });
        break;
      default:
        out.push({ pointer: e.instancePath, code: `schema/${e.keyword}`, severity: 'error', message: `${at} ${e.message ?? 'is invalid'}` });
    }
  }
  return out;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
