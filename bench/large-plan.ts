// The scan and the digest share one generated store per provider: a plan of 100,000 actions in 500
// themes, recommendations of ten, owners, statuses, targets past and future, moved targets, snoozes,
// months of last updates, an import history entry per action and 3% changed since the last digest.
import { freshStore, PROVIDERS } from "../tests/helpers/test-store.js";
import { envSize } from "./common.js";
import { digestFigures, generateDigestPlan } from "./digest.js";
import { scanFigures } from "./scan.js";

export async function benchScanAndDigest(sections: { scan: boolean; digest: boolean }): Promise<void> {
  const size = envSize("BENCH_ACTIONS", 100_000);
  for (const provider of PROVIDERS) {
    const store = await freshStore(provider);
    try {
      const t0 = performance.now();
      const { planId, themes } = await generateDigestPlan(store, size);
      const generatedMs = performance.now() - t0;
      if (sections.scan) await scanFigures(store, size, generatedMs);
      if (sections.digest) await digestFigures(store, planId, size, themes);
    } finally {
      await store.drop();
    }
  }
}
