// The method table: every request a client may send, with its params and
// result types. `MethodMap` lets a typed client (client.ts) and the daemon's
// dispatcher check each other at compile time; `Methods` is the same list at
// run time. Every request except `hello` needs a successful `hello` first.
import { RequestType } from 'vscode-jsonrpc';
import type * as T from './types';

export interface MethodMap {
  hello: [T.HelloParams, T.HelloResult];
  create: [T.CreateParams, T.ContainerInfo];
  start: [T.IdParams, T.ContainerInfo];
  run: [T.RunParams, T.ContainerInfo];
  state: [T.IdParams, T.ContainerInfo];
  list: [T.Empty, T.ListResult];
  kill: [T.KillParams, T.Empty];
  delete: [T.DeleteParams, T.Empty];
  exec: [T.ExecParams, T.ExecResult];
  ps: [T.IdParams, T.PsResult];
  pause: [T.IdParams, T.Empty];
  resume: [T.IdParams, T.Empty];
  update: [T.UpdateParams, T.Empty];
  stats: [T.IdParams, T.StatsResult];
  spec: [T.SpecParams, T.SpecResult];
  features: [T.Empty, T.FeaturesResult];
  subscribe: [T.SubscribeParams, T.SubscribeResult];
  unsubscribe: [T.UnsubscribeParams, T.Empty];
  attach: [T.AttachParams, T.AttachResult];
  write: [T.WriteParams, T.Empty];
  resize: [T.ResizeParams, T.Empty];
  detach: [T.SessionParams, T.Empty];
  logs: [T.LogsParams, T.LogsResult];
  'bundle.debootstrap': [T.DebootstrapParams, T.JobResult];
  'bundle.cancel': [T.JobParams, T.Empty];
}

export type Method = keyof MethodMap;
export type ParamsOf<M extends Method> = MethodMap[M][0];
export type ResultOf<M extends Method> = MethodMap[M][1];

export const Methods = [
  'hello', 'create', 'start', 'run', 'state', 'list', 'kill', 'delete', 'exec', 'ps', 'pause', 'resume',
  'update', 'stats', 'spec', 'features', 'subscribe', 'unsubscribe', 'attach', 'write', 'resize', 'detach', 'logs',
  'bundle.debootstrap', 'bundle.cancel',
] as const satisfies readonly Method[];

/** Methods that act on one container: berthd runs them one at a time per id. */
export const PerContainer: ReadonlySet<Method> = new Set<Method>([
  'create', 'start', 'run', 'kill', 'delete', 'exec', 'pause', 'resume', 'update',
]);

export function isMethod(name: string): name is Method {
  return (Methods as readonly string[]).includes(name);
}

/** vscode-jsonrpc request types, for clients that prefer `connection.sendRequest(type, params)`. */
export function requestType<M extends Method>(m: M): RequestType<ParamsOf<M>, ResultOf<M>, unknown> {
  return new RequestType<ParamsOf<M>, ResultOf<M>, unknown>(m);
}
