-- AlterTable
ALTER TABLE "Person" ADD COLUMN "localeChosenAt" DATETIME;

