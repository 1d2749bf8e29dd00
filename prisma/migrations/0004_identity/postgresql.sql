-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'admin',
ADD COLUMN     "webUserId" TEXT;

-- CreateTable
CREATE TABLE "PersonClaim" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "claimantId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),
    "decidedBy" TEXT,

    CONSTRAINT "PersonClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundDelivery" (
    "key" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundDelivery_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "PersonClaim_status_idx" ON "PersonClaim"("status");

-- CreateIndex
CREATE UNIQUE INDEX "PersonClaim_personId_claimantId_key" ON "PersonClaim"("personId", "claimantId");

-- CreateIndex
CREATE INDEX "InboundDelivery_at_idx" ON "InboundDelivery"("at");

-- CreateIndex
CREATE UNIQUE INDEX "Person_webUserId_key" ON "Person"("webUserId");


-- People met in chat before this migration were bound by id, email or (the old fallback) display
-- name. Those with a chat id and no email may owe their record to a display name, so admins' name
-- lookups no longer see them: an admin who names them again gets a claim to confirm.
UPDATE "Person" SET "origin" = 'teams' WHERE "teamsUserId" IS NOT NULL AND "email" IS NULL;
UPDATE "Person" SET "origin" = 'slack' WHERE "slackUserId" IS NOT NULL AND "teamsUserId" IS NULL AND "email" IS NULL;
