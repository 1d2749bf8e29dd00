-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "PlanViewer" (
    "planId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,

    CONSTRAINT "PlanViewer_pkey" PRIMARY KEY ("planId","personId")
);

-- AddForeignKey
ALTER TABLE "PlanViewer" ADD CONSTRAINT "PlanViewer_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

