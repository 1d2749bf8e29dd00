-- CreateTable
CREATE TABLE "DigestFigures" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "theme" TEXT NOT NULL,
    "asOf" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "red" INTEGER NOT NULL,
    "amber" INTEGER NOT NULL,
    "green" INTEGER NOT NULL,
    "complete" INTEGER NOT NULL,
    "derived" INTEGER NOT NULL DEFAULT 0,
    "onTrack" INTEGER NOT NULL DEFAULT 0,
    "medium" INTEGER NOT NULL DEFAULT 0,
    "significant" INTEGER NOT NULL DEFAULT 0,
    "extra" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Action" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "recommendationId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "ref" TEXT,
    "refGenerated" BOOLEAN NOT NULL DEFAULT false,
    "title" TEXT NOT NULL,
    "detail" TEXT,
    "targetText" TEXT,
    "targetFrom" TEXT,
    "targetTo" TEXT,
    "targetOngoing" BOOLEAN NOT NULL DEFAULT false,
    "originalTargetText" TEXT,
    "originalTargetFrom" TEXT,
    "originalTargetTo" TEXT,
    "originalTargetOngoing" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT,
    "statusText" TEXT,
    "rag" TEXT,
    "progress" TEXT,
    "impact" TEXT,
    "crossRefs" TEXT NOT NULL DEFAULT '[]',
    "statusSource" TEXT NOT NULL DEFAULT 'import',
    "statusUpdatedAt" DATETIME,
    "lastUpdateAt" DATETIME,
    "completedAt" DATETIME,
    "evidence" TEXT,
    "snoozedUntil" TEXT,
    "reassignRequestedAt" DATETIME,
    "milestone" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL,
    "line" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Action_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Action_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Action" ("completedAt", "createdAt", "crossRefs", "detail", "evidence", "id", "impact", "key", "lastUpdateAt", "line", "originalTargetFrom", "originalTargetOngoing", "originalTargetText", "originalTargetTo", "planId", "position", "progress", "rag", "reassignRequestedAt", "recommendationId", "ref", "refGenerated", "snoozedUntil", "status", "statusSource", "statusText", "statusUpdatedAt", "targetFrom", "targetOngoing", "targetText", "targetTo", "title", "updatedAt") SELECT "completedAt", "createdAt", "crossRefs", "detail", "evidence", "id", "impact", "key", "lastUpdateAt", "line", "originalTargetFrom", "originalTargetOngoing", "originalTargetText", "originalTargetTo", "planId", "position", "progress", "rag", "reassignRequestedAt", "recommendationId", "ref", "refGenerated", "snoozedUntil", "status", "statusSource", "statusText", "statusUpdatedAt", "targetFrom", "targetOngoing", "targetText", "targetTo", "title", "updatedAt" FROM "Action";
DROP TABLE "Action";
ALTER TABLE "new_Action" RENAME TO "Action";
CREATE INDEX "Action_status_idx" ON "Action"("status");
CREATE INDEX "Action_targetTo_idx" ON "Action"("targetTo");
CREATE UNIQUE INDEX "Action_planId_key_key" ON "Action"("planId", "key");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "DigestFigures_planId_asOf_idx" ON "DigestFigures"("planId", "asOf");

-- CreateIndex
CREATE UNIQUE INDEX "DigestFigures_planId_theme_asOf_source_key" ON "DigestFigures"("planId", "theme", "asOf", "source");

