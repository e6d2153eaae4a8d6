// ajv validation of request params, compiled once per method. Errors come
// back as one message naming the JSON pointer into params, the way the rest
// of Berth names config fields.
import type { default as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type { Method } from './methods';
import { paramSchemas } from './schemas';

export interface ParamsProblem {
  pointer: string;
  message: string;
}

// ajv is loaded, and each method's validator compiled, on first use: berthd
// listens before paying for it (start-up time) and a daemon only asked
// `hello` and `list` never compiles the rest (idle RSS).
let ajv: AjvClass | undefined;
const compiled = new Map<Method, ValidateFunction>();

function validator(m: Method): ValidateFunction {
  let v = compiled.get(m);
  if (!v) {
    if (!ajv) {
      const Ajv = (require('ajv') as { default: typeof AjvClass }).default;
      ajv = new Ajv({ allErrors: false, strict: true });
    }
    v = ajv.compile(paramSchemas[m]);
    compiled.set(m, v);
  }
  return v;
}

function describe(e: ErrorObject): ParamsProblem {
  const pointer = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { pointer: `${e.instancePath}/${extra}`, message: `params${e.instancePath}/${extra}: unknown field` };
  }
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return { pointer: `${e.instancePath}/${missing}`, message: `params${e.instancePath}/${missing}: required` };
  }
  if (e.keyword === 'pattern' && /\/id$|\/ids\/\d+$/.test(e.instancePath)) {
    return { pointer, message: `params${pointer}: not a valid container id (letters, digits, _ + - . only, not starting with .)` };
  }
  return { pointer, message: `params${pointer === '/' ? '' : pointer}: ${e.message ?? 'invalid'}` };
}

/** undefined when params are valid for method, else the first problem. */
export function checkParams(method: Method, params: unknown): ParamsProblem | undefined {
  const v = validator(method);
  if (v(params ?? {})) return undefined;
  return describe(v.errors![0]);
}

/** Loads ajv and compiles `hello`'s validator ahead of the first client (berthd calls it once listening). */
export function warmUp(): void {
  validator('hello');
}
