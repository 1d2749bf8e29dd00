-- CreateIndex
CREATE INDEX "Recommendation_themeId_idx" ON "Recommendation"("themeId");

