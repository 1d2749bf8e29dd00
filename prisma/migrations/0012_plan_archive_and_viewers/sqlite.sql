-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "archivedAt" DATETIME;

-- CreateTable
CREATE TABLE "PlanViewer" (
    "planId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,

    PRIMARY KEY ("planId", "personId"),
    CONSTRAINT "PlanViewer_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

