-- DropIndex
DROP INDEX "ChatMessage_status_idx";

-- AlterTable
ALTER TABLE "Person" ADD COLUMN "welcomedAt" DATETIME;

-- AlterTable
ALTER TABLE "ChatMessage" ADD COLUMN "card" TEXT;
ALTER TABLE "ChatMessage" ADD COLUMN "claimedBy" TEXT;
ALTER TABLE "ChatMessage" ADD COLUMN "claimedUntil" DATETIME;
ALTER TABLE "ChatMessage" ADD COLUMN "nextAttemptAt" DATETIME;

-- CreateTable
CREATE TABLE "PromptedAction" (
    "messageId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" DATETIME NOT NULL,

    PRIMARY KEY ("messageId", "actionId"),
    CONSTRAINT "PromptedAction_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "ChatMessage" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ScheduleRun" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "claimedBy" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "summary" TEXT
);

-- CreateTable
CREATE TABLE "DigestSubscription" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "themeId" TEXT,
    "platform" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "name" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'en-GB',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AppSetting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "PromptedAction_actionId_at_idx" ON "PromptedAction"("actionId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "DigestSubscription_planId_platform_address_key" ON "DigestSubscription"("planId", "platform", "address");

-- CreateIndex
CREATE INDEX "ChatMessage_status_nextAttemptAt_idx" ON "ChatMessage"("status", "nextAttemptAt");

