/**
 * `npx tsx live provision`: creates, or finds, the catalog's meter and products at Dodo (test
 * mode by default), prints what it did on stderr and the id mapping as JSON on stdout, and stores
 * the mapping in `<data>/dodo-ids.json`. Thin: parse flags, call live/provision.ts, print.
 */
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { writeIdMap } from '../live/id-map.ts';
import { provision } from '../live/provision.ts';
import { UsageError, parseFlags } from './command.ts';
import { liveDodo, liveError } from './live-dodo-errors.ts';

export const PROVISION_USAGE = `Usage: npx tsx live provision --catalog C.yaml [--data DIR] [--dodo-base-url URL]

Creates, or finds when it already exists, the catalog's Dodo meter (event name, sum over the GPU
seconds key, the filter), one product per plan and interval (usage-based price: the fee, the
meter, free_threshold = the allowance, price_per_unit per the overage policy) and the one-time
top-up product. Running it twice creates nothing new.
  --catalog C.yaml        plan catalog (e.g. scenarios/catalogs/midjourney.yaml)
  --data DIR              where the id mapping is stored as dodo-ids.json (default .live)
  --dodo-base-url URL     Dodo API base URL (default DODO_PAYMENTS_BASE_URL, else test mode)
Env: DODO_PAYMENTS_API_KEY (required), DODO_PAYMENTS_BASE_URL, DODO_PAYMENTS_ENVIRONMENT.
Exit codes: 0 ok, 1 Dodo unreachable or failing, 2 bad flags, catalog, key or meter conflict.`;

export async function provisionMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    {
      args: argv,
      options: {
        catalog: { type: 'string' },
        data: { type: 'string', default: '.live' },
        'dodo-base-url': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    },
    PROVISION_USAGE,
  );
  if (values.help) {
    process.stdout.write(`${PROVISION_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${PROVISION_USAGE}`);
  if (values.catalog === undefined) throw new UsageError(`--catalog is required\n\n${PROVISION_USAGE}`);
  const { spec, catalog } = loadCatalog(values.catalog);
  const { dodo, baseUrl } = liveDodo(values['dodo-base-url']);
  try {
    const result = await provision(dodo, spec, catalog.meter);
    for (const action of result.actions) process.stderr.write(`${action}\n`);
    const path = writeIdMap(values.data, result.ids);
    process.stderr.write(`${result.created} created; id mapping stored in ${path}\n`);
    process.stdout.write(`${JSON.stringify(result.ids, null, 2)}\n`);
    return 0;
  } catch (error) {
    throw liveError(error, baseUrl);
  }
}
