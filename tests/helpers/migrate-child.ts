// Spawned by tests/migrate.test.ts: one process migrating the store given as JSON in argv.
import { migrate } from "../../src/store/migrate.js";

const applied = await migrate(JSON.parse(process.argv[2]!));
process.stdout.write(JSON.stringify(applied));
