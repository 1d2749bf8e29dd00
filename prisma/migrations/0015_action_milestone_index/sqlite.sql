-- CreateIndex
CREATE INDEX "Action_planId_milestone_idx" ON "Action"("planId", "milestone");

