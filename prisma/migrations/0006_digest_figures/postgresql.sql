-- AlterTable
ALTER TABLE "Action" ADD COLUMN     "milestone" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "DigestFigures" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DigestFigures_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DigestFigures_planId_asOf_idx" ON "DigestFigures"("planId", "asOf");

-- CreateIndex
CREATE UNIQUE INDEX "DigestFigures_planId_theme_asOf_source_key" ON "DigestFigures"("planId", "theme", "asOf", "source");

