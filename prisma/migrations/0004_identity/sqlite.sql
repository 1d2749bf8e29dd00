-- CreateTable
CREATE TABLE "PersonClaim" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "personId" TEXT NOT NULL,
    "claimantId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" DATETIME,
    "decidedBy" TEXT
);

-- CreateTable
CREATE TABLE "InboundDelivery" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Person" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'en-GB',
    "teamsUserId" TEXT,
    "teamsTenantId" TEXT,
    "teamsConversation" TEXT,
    "slackUserId" TEXT,
    "slackTeamId" TEXT,
    "slackChannelId" TEXT,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "preferredPlatform" TEXT,
    "unreachableAt" DATETIME,
    "welcomedAt" DATETIME,
    "origin" TEXT NOT NULL DEFAULT 'admin',
    "webUserId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Person" ("createdAt", "email", "id", "isAdmin", "locale", "name", "preferredPlatform", "slackChannelId", "slackTeamId", "slackUserId", "teamsConversation", "teamsTenantId", "teamsUserId", "unreachableAt", "updatedAt", "welcomedAt") SELECT "createdAt", "email", "id", "isAdmin", "locale", "name", "preferredPlatform", "slackChannelId", "slackTeamId", "slackUserId", "teamsConversation", "teamsTenantId", "teamsUserId", "unreachableAt", "updatedAt", "welcomedAt" FROM "Person";
DROP TABLE "Person";
ALTER TABLE "new_Person" RENAME TO "Person";
CREATE UNIQUE INDEX "Person_email_key" ON "Person"("email");
CREATE UNIQUE INDEX "Person_teamsUserId_key" ON "Person"("teamsUserId");
CREATE UNIQUE INDEX "Person_slackUserId_key" ON "Person"("slackUserId");
CREATE UNIQUE INDEX "Person_webUserId_key" ON "Person"("webUserId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "PersonClaim_status_idx" ON "PersonClaim"("status");

-- CreateIndex
CREATE UNIQUE INDEX "PersonClaim_personId_claimantId_key" ON "PersonClaim"("personId", "claimantId");

-- CreateIndex
CREATE INDEX "InboundDelivery_at_idx" ON "InboundDelivery"("at");


-- People met in chat before this migration were bound by id, email or (the old fallback) display
-- name. Those with a chat id and no email may owe their record to a display name, so admins' name
-- lookups no longer see them: an admin who names them again gets a claim to confirm.
UPDATE "Person" SET "origin" = 'teams' WHERE "teamsUserId" IS NOT NULL AND "email" IS NULL;
UPDATE "Person" SET "origin" = 'slack' WHERE "slackUserId" IS NOT NULL AND "teamsUserId" IS NULL AND "email" IS NULL;
