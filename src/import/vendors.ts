// The vendor importers by name, for the commands that take configurations beside an inventory
// (`import netbox --config fortigate:fw01.conf`) and containerlab's node kinds. A new vendor
// adds one line to each table.

import type { ImportedConfig } from './config.ts';
import { parseAsa } from './asa.ts';
import { parseFortigate } from './fortigate.ts';
import { parsePaloalto } from './paloalto.ts';
import { parseRtx } from './rtx.ts';

/** A vendor importer: configuration text, its file (for origins) and the device name to use when the text has none. */
export type VendorImporter = (text: string, file: string, name: string) => ImportedConfig;

/** Importers by the vendor name of `--config <vendor>:<file>`. */
export const VENDOR_IMPORTERS: Readonly<Record<string, VendorImporter>> = {
  fortigate: parseFortigate,
  asa: parseAsa,
  paloalto: parsePaloalto,
  rtx: parseRtx,
};

/** The vendor of each containerlab node kind that has an importer. */
export const CLAB_KIND_VENDORS: Readonly<Record<string, string>> = {
  fortinet_fortigate: 'fortigate',
  cisco_asav: 'asa',
  paloalto_panos: 'paloalto',
};
