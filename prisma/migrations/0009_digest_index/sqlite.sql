-- CreateIndex
CREATE INDEX "Action_digest_idx" ON "Action"("planId", "recommendationId", "status", "rag", "targetTo", "originalTargetTo", "lastUpdateAt", "createdAt", "milestone");

