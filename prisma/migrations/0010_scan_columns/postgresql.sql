-- AlterTable
ALTER TABLE "Action" ADD COLUMN     "scanHeardAt" TIMESTAMP(3),
ADD COLUMN     "scanTarget" TEXT;

-- CreateIndex
CREATE INDEX "Action_planId_scanTarget_idx" ON "Action"("planId", "scanTarget");

-- CreateIndex
CREATE INDEX "Action_planId_scanHeardAt_idx" ON "Action"("planId", "scanHeardAt");

-- CreateIndex
CREATE INDEX "Answer_actionId_createdAt_idx" ON "Answer"("actionId", "createdAt");


-- The scan's columns follow the action's own columns on every write, whoever writes (the store,
-- a migration, an admin with SQL): the same derivation as src/store/scan-columns.ts, which bulk
-- inserts use and tests/scan-due-actions.test.ts holds this to. Settings play no part, so running
-- the backfill again changes nothing.
CREATE FUNCTION "Action_scan_columns"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."scanTarget" := CASE
    WHEN NEW."status" IN ('complete', 'cancelled', 'ongoing') THEN NULL
    WHEN NEW."status" = 'delayed' OR (COALESCE(NEW."targetTo", '') <> '' AND COALESCE(NEW."originalTargetTo", '') <> '' AND NEW."targetTo" > NEW."originalTargetTo") THEN '0000-01-01'
    WHEN NEW."targetTo" <> '' THEN NEW."targetTo"
    ELSE NULL
  END;
  NEW."scanHeardAt" := CASE WHEN NEW."status" IN ('complete', 'cancelled') THEN NULL ELSE COALESCE(NEW."lastUpdateAt", NEW."createdAt") END;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "Action_scan_columns" BEFORE INSERT OR UPDATE OF "status", "targetTo", "originalTargetTo", "lastUpdateAt", "createdAt" ON "Action"
FOR EACH ROW EXECUTE FUNCTION "Action_scan_columns"();

UPDATE "Action" SET
  "scanTarget" = CASE
    WHEN "status" IN ('complete', 'cancelled', 'ongoing') THEN NULL
    WHEN "status" = 'delayed' OR (COALESCE("targetTo", '') <> '' AND COALESCE("originalTargetTo", '') <> '' AND "targetTo" > "originalTargetTo") THEN '0000-01-01'
    WHEN "targetTo" <> '' THEN "targetTo"
    ELSE NULL
  END,
  "scanHeardAt" = CASE WHEN "status" IN ('complete', 'cancelled') THEN NULL ELSE COALESCE("lastUpdateAt", "createdAt") END;
