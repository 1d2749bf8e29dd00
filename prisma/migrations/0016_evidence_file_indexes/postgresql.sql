-- DropIndex
DROP INDEX "EvidenceFile_actionId_idx";

-- CreateIndex
CREATE INDEX "EvidenceFile_planId_idx" ON "EvidenceFile"("planId");

-- CreateIndex
CREATE INDEX "EvidenceFile_personId_idx" ON "EvidenceFile"("personId");

