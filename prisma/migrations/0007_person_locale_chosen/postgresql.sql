-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "localeChosenAt" TIMESTAMP(3);

