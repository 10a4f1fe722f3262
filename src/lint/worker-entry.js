// Worker threads do not inherit tsx's loader from the main thread on Node 20, so register it here
// before loading the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./lint-worker.ts");
