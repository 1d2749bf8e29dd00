// A worker thread's entry must be JavaScript: it registers tsx, then loads the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./fuzz-worker.ts");
