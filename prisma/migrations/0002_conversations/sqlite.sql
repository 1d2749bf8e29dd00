-- AlterTable
ALTER TABLE "Action" ADD COLUMN "completedAt" DATETIME;
ALTER TABLE "Action" ADD COLUMN "evidence" TEXT;
ALTER TABLE "Action" ADD COLUMN "reassignRequestedAt" DATETIME;
ALTER TABLE "Action" ADD COLUMN "snoozedUntil" TEXT;

-- CreateTable
CREATE TABLE "Delegation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "principalId" TEXT NOT NULL,
    "delegateId" TEXT NOT NULL,
    "until" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Delegation_principalId_fkey" FOREIGN KEY ("principalId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Delegation_delegateId_fkey" FOREIGN KEY ("delegateId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlanAdmin" (
    "planId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,

    PRIMARY KEY ("planId", "personId"),
    CONSTRAINT "PlanAdmin_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ChatMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "personId" TEXT,
    "platform" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "messageRef" TEXT,
    "actionIds" TEXT NOT NULL DEFAULT '[]',
    "locale" TEXT NOT NULL DEFAULT 'en-GB',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Answer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "messageId" TEXT,
    "kind" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Answer_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "Action" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Answer_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Person" ("createdAt", "email", "id", "locale", "name", "slackChannelId", "slackTeamId", "slackUserId", "teamsConversation", "teamsTenantId", "teamsUserId", "updatedAt") SELECT "createdAt", "email", "id", "locale", "name", "slackChannelId", "slackTeamId", "slackUserId", "teamsConversation", "teamsTenantId", "teamsUserId", "updatedAt" FROM "Person";
DROP TABLE "Person";
ALTER TABLE "new_Person" RENAME TO "Person";
CREATE UNIQUE INDEX "Person_email_key" ON "Person"("email");
CREATE UNIQUE INDEX "Person_teamsUserId_key" ON "Person"("teamsUserId");
CREATE UNIQUE INDEX "Person_slackUserId_key" ON "Person"("slackUserId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Delegation_principalId_delegateId_key" ON "Delegation"("principalId", "delegateId");

-- CreateIndex
CREATE UNIQUE INDEX "ChatMessage_key_key" ON "ChatMessage"("key");

-- CreateIndex
CREATE INDEX "ChatMessage_personId_createdAt_idx" ON "ChatMessage"("personId", "createdAt");

-- CreateIndex
CREATE INDEX "ChatMessage_status_idx" ON "ChatMessage"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Answer_key_key" ON "Answer"("key");

-- CreateIndex
CREATE INDEX "Answer_messageId_idx" ON "Answer"("messageId");

