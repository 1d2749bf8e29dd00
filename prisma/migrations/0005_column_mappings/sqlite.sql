-- CreateTable
CREATE TABLE "ColumnMapping" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planSlug" TEXT NOT NULL,
    "choices" TEXT NOT NULL,
    "confirmedBy" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ColumnMapping_planSlug_key" ON "ColumnMapping"("planSlug");

