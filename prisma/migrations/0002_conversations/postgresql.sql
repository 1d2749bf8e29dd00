-- AlterTable
ALTER TABLE "Action" ADD COLUMN     "completedAt" TIMESTAMP(3),
ADD COLUMN     "evidence" TEXT,
ADD COLUMN     "reassignRequestedAt" TIMESTAMP(3),
ADD COLUMN     "snoozedUntil" TEXT;

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "isAdmin" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "preferredPlatform" TEXT,
ADD COLUMN     "unreachableAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Delegation" (
    "id" TEXT NOT NULL,
    "principalId" TEXT NOT NULL,
    "delegateId" TEXT NOT NULL,
    "until" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Delegation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlanAdmin" (
    "planId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,

    CONSTRAINT "PlanAdmin_pkey" PRIMARY KEY ("planId","personId")
);

-- CreateTable
CREATE TABLE "ChatMessage" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChatMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Answer" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "messageId" TEXT,
    "kind" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Answer_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "Delegation" ADD CONSTRAINT "Delegation_principalId_fkey" FOREIGN KEY ("principalId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delegation" ADD CONSTRAINT "Delegation_delegateId_fkey" FOREIGN KEY ("delegateId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlanAdmin" ADD CONSTRAINT "PlanAdmin_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Answer" ADD CONSTRAINT "Answer_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "Action"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Answer" ADD CONSTRAINT "Answer_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

