// The berthd protocol in one import: `import { BerthClient, ErrorCode } from '../helper/protocol'`.
export * from './version';
export * from './errors';
export type * from './types';
export * from './events';
export * from './methods';
export { CONTAINER_ID_PATTERN, paramSchemas } from './schemas';
export { checkParams, type ParamsProblem } from './validate';
export { LimitedReader, type Malformed } from './framing';
export { BerthClient, isCode, type ConnectOptions } from './client';
