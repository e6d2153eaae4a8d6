// rdma controller, same file on v1 and v2: one "device hca_handle=N hca_object=M" line per device.
import { ptr } from './errors';
import { writeKnob } from './fsio';
import type { Controller } from './controller';

export const rdmaController: Controller = {
  name: 'rdma',
  wanted: (r) => (r.rdma && Object.keys(r.rdma).length ? ptr('rdma', Object.keys(r.rdma)[0]) : undefined),
  apply(dir, r) {
    for (const [dev, lim] of Object.entries(r.rdma ?? {})) {
      const parts = [dev];
      if (lim.hcaHandles !== undefined) parts.push(`hca_handle=${lim.hcaHandles}`);
      if (lim.hcaObjects !== undefined) parts.push(`hca_object=${lim.hcaObjects}`);
      if (parts.length > 1) writeKnob(dir, 'rdma.max', parts.join(' '), ptr('rdma', dev));
    }
  },
};
