-- CreateTable
CREATE TABLE "EvidenceFile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "checkedChangeId" TEXT,
    "personId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "platformFileId" TEXT,
    "name" TEXT NOT NULL,
    "fileType" TEXT,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "link" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "EvidenceFile_actionId_idx" ON "EvidenceFile"("actionId");

-- CreateIndex
CREATE INDEX "EvidenceFile_checkedChangeId_idx" ON "EvidenceFile"("checkedChangeId");

