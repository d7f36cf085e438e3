// The n-1 sweep lists the elements that cut a resilient intent in the network's order: devices
// (device order), then attachments (device, then interface order), then links (link order),
// whatever order the footprint found them in. Sample topologies/violations/availability.yaml:
// use-lgwan-asp has one path out to the LGWAN, lg-edge-fw -(link wan--city)- lgwan-router
// -(attachment backbone)- lgwan-backbone, so each of those four elements cuts it; lg-edge-fw
// is listed before lgwan-router (declared first in the file), then the one attachment,
// then the one link. Both engines.

import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { runCheck } from '../../src/policy/check.ts';
import { loadSample, seedPack, TODAY } from '../helpers.ts';

describe('availability: breaking elements in network order', () => {
  for (const [name, engineFactory] of Object.entries(ENGINES)) {
    it(`${name}: devices, then attachments, then links`, () => {
      const network = loadSample('topologies/violations/availability.yaml');
      const report = runCheck(network, seedPack(), { engineFactory, today: TODAY });
      const found = report.findings.filter((f) => f.rule === 'availability');
      expect(found).toHaveLength(1);
      const f = found[0]!;
      expect(f.kind === 'single-failure' && f.breaking).toEqual(['lg-edge-fw', 'lgwan-router', 'lgwan-router:backbone', 'lg-edge-fw:wan--lgwan-router:city']);
    });
  }
});
