-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "sourceDocument" TEXT,
    "issuingBody" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'action-table',
    "settings" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Theme" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    CONSTRAINT "Theme_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Recommendation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "themeId" TEXT,
    "key" TEXT NOT NULL,
    "ref" TEXT,
    "text" TEXT NOT NULL,
    "body" TEXT,
    "detail" TEXT,
    "position" INTEGER NOT NULL,
    CONSTRAINT "Recommendation_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Recommendation_themeId_fkey" FOREIGN KEY ("themeId") REFERENCES "Theme" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Action" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "recommendationId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "ref" TEXT,
    "refGenerated" BOOLEAN NOT NULL DEFAULT false,
    "title" TEXT NOT NULL,
    "detail" TEXT,
    "targetText" TEXT,
    "targetFrom" TEXT,
    "targetTo" TEXT,
    "targetOngoing" BOOLEAN NOT NULL DEFAULT false,
    "originalTargetText" TEXT,
    "originalTargetFrom" TEXT,
    "originalTargetTo" TEXT,
    "originalTargetOngoing" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT,
    "statusText" TEXT,
    "rag" TEXT,
    "progress" TEXT,
    "impact" TEXT,
    "crossRefs" TEXT NOT NULL DEFAULT '[]',
    "statusSource" TEXT NOT NULL DEFAULT 'import',
    "statusUpdatedAt" DATETIME,
    "lastUpdateAt" DATETIME,
    "position" INTEGER NOT NULL,
    "line" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Action_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Action_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OwnerRole" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "OwnerAlias" (
    "alias" TEXT NOT NULL PRIMARY KEY,
    "text" TEXT NOT NULL,
    "roleId" TEXT NOT NULL,
    CONSTRAINT "OwnerAlias_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "OwnerRole" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ActionOwner" (
    "actionId" TEXT NOT NULL,
    "roleId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("actionId", "roleId", "kind"),
    CONSTRAINT "ActionOwner_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "Action" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ActionOwner_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "OwnerRole" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Person" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RoleAssignment" (
    "roleId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("roleId", "personId"),
    CONSTRAINT "RoleAssignment_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "OwnerRole" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RoleAssignment_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "History" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "planId" TEXT,
    "actionId" TEXT,
    "entity" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "actorPersonId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "before" TEXT,
    "after" TEXT,
    "note" TEXT,
    CONSTRAINT "History_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "Action" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Plan_slug_key" ON "Plan"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Theme_planId_name_key" ON "Theme"("planId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Recommendation_planId_key_key" ON "Recommendation"("planId", "key");

-- CreateIndex
CREATE INDEX "Action_status_idx" ON "Action"("status");

-- CreateIndex
CREATE INDEX "Action_targetTo_idx" ON "Action"("targetTo");

-- CreateIndex
CREATE UNIQUE INDEX "Action_planId_key_key" ON "Action"("planId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "OwnerRole_name_key" ON "OwnerRole"("name");

-- CreateIndex
CREATE INDEX "ActionOwner_roleId_idx" ON "ActionOwner"("roleId");

-- CreateIndex
CREATE UNIQUE INDEX "Person_email_key" ON "Person"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Person_teamsUserId_key" ON "Person"("teamsUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Person_slackUserId_key" ON "Person"("slackUserId");

-- CreateIndex
CREATE INDEX "History_actionId_at_idx" ON "History"("actionId", "at");

-- CreateIndex
CREATE INDEX "History_planId_at_idx" ON "History"("planId", "at");

