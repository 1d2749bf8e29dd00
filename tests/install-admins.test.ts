import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/load-config.js";
import { ensureInstallAdmins } from "../src/store/permissions.js";
import { freshStore } from "./helpers/test-store.js";

describe("CHASER_ADMINS", () => {
  it("reads a comma-separated list of emails, and names what it cannot read", () => {
    expect(loadConfig({ CHASER_ADMINS: "Jo.Bloggs@council.gov.uk, sam@council.gov.uk" }).admins).toEqual(["jo.bloggs@council.gov.uk", "sam@council.gov.uk"]);
    expect(loadConfig({}).admins).toEqual([]);
    expect(() => loadConfig({ CHASER_ADMINS: "Jo Bloggs" })).toThrow(ConfigError);
  });

  it("makes them admins once, and does not undo a later removal at the next start", async () => {
    const store = await freshStore("sqlite");
    try {
      expect(await ensureInstallAdmins(store.db, ["jo@council.gov.uk"], new Date("2020-12-20T09:00:00Z"))).toBe(1);
      expect(await ensureInstallAdmins(store.db, ["jo@council.gov.uk"], new Date("2020-12-21T09:00:00Z"))).toBe(0);
      const jo = await store.db.person.findUniqueOrThrow({ where: { email: "jo@council.gov.uk" } });
      expect(jo).toMatchObject({ isAdmin: true, origin: "admin" });
      expect(await store.db.history.findMany({ where: { entityId: jo.id } })).toMatchObject([{ entity: "admin", actorLabel: "CHASER_ADMINS", via: "import" }]);
      await store.db.person.update({ where: { id: jo.id }, data: { isAdmin: false } });
      expect(await ensureInstallAdmins(store.db, ["jo@council.gov.uk"], new Date("2020-12-22T09:00:00Z"))).toBe(0);
      expect(await store.db.person.findUniqueOrThrow({ where: { id: jo.id } })).toMatchObject({ isAdmin: false });
    } finally {
      await store.drop();
    }
  });
});
