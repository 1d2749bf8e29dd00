-- CreateTable
CREATE TABLE "CheckedChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "requestedById" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "oldTarget" TEXT,
    "newTarget" TEXT,
    "reason" TEXT,
    "evidence" TEXT,
    "createdAt" DATETIME NOT NULL,
    "reasonAskedById" TEXT,
    "decidedAt" DATETIME,
    "decidedById" TEXT,
    "decisionReason" TEXT
);

-- CreateIndex
CREATE INDEX "CheckedChange_actionId_status_idx" ON "CheckedChange"("actionId", "status");

-- CreateIndex
CREATE INDEX "CheckedChange_reasonAskedById_idx" ON "CheckedChange"("reasonAskedById");

