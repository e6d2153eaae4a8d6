// linux.netDevices, done from the parent side: once the init has unshared
// its network namespace (it says "hooks" or "created"), each named host
// interface is moved into it, renamed when the config says so. Prestart and
// createRuntime hooks already see the devices in the container. If create
// fails afterwards the namespace dies with the init: the kernel hands
// physical devices back to the host and destroys virtual ones (veth, dummy).
import { moveInterface } from '../linux/netdev';
import type { Spec } from '../spec/types';
import { RuntimeError } from './errors';

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

export function moveNetDevices(spec: Spec, initPid: number): void {
  for (const [host, d] of Object.entries(spec.linux?.netDevices ?? {})) {
    try {
      moveInterface(host, initPid, d.name || host);
    } catch (e) {
      throw new RuntimeError((e as Error).message, 'runtime', `/linux/netDevices/${esc(host)}`);
    }
  }
}
