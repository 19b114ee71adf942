#!/usr/bin/env node
// The `dstream` command. It runs from the TypeScript sources through tsx (a dependency), so
// neither the package nor the user's application needs a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
await main(process.argv);
