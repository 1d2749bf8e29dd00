-- DropIndex
DROP INDEX "ChatMessage_status_idx";

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "welcomedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ChatMessage" ADD COLUMN     "card" TEXT,
ADD COLUMN     "claimedBy" TEXT,
ADD COLUMN     "claimedUntil" TIMESTAMP(3),
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "PromptedAction" (
    "messageId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PromptedAction_pkey" PRIMARY KEY ("messageId","actionId")
);

-- CreateTable
CREATE TABLE "ScheduleRun" (
    "key" TEXT NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "summary" TEXT,

    CONSTRAINT "ScheduleRun_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "DigestSubscription" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "themeId" TEXT,
    "platform" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "name" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'en-GB',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DigestSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppSetting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AppSetting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "PromptedAction_actionId_at_idx" ON "PromptedAction"("actionId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "DigestSubscription_planId_platform_address_key" ON "DigestSubscription"("planId", "platform", "address");

-- CreateIndex
CREATE INDEX "ChatMessage_status_nextAttemptAt_idx" ON "ChatMessage"("status", "nextAttemptAt");

-- AddForeignKey
ALTER TABLE "PromptedAction" ADD CONSTRAINT "PromptedAction_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "ChatMessage"("id") ON DELETE CASCADE ON UPDATE CASCADE;

