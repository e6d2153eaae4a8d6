// v1 devices controller: reset to the policy's default with a whole-class
// rule, then write the exceptions in order.
import type { Device } from '../../../spec/types';
import { devicePolicy, v1Line } from '../devices';
import { ptr } from '../errors';
import { writeKnob } from '../fsio';
import type { Controller } from '../controller';

export const devicesV1 = (linuxDevices: Device[] | undefined): Controller => ({
  name: 'devices',
  wanted: (r) => (r.devices?.length ? ptr('devices', 0) : undefined),
  apply(dir, r) {
    if (!r.devices?.length) return;
    const policy = devicePolicy(r.devices, linuxDevices);
    writeKnob(dir, policy.defaultAllow ? 'devices.allow' : 'devices.deny', 'a', ptr('devices'));
    for (const rule of policy.rules) writeKnob(dir, rule.allow ? 'devices.allow' : 'devices.deny', v1Line(rule), rule.pointer);
  },
});
