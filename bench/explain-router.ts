/**
 * Speed of `async-doctor explain` routing (node --import tsx bench/explain-router.ts):
 *  1. building the router (topics parsed from Markdown + TOML, rule pages listed, minisearch index);
 *  2. routing every labelled question of test/explain/routing-cases.ts (search, evidence, features,
 *     calibrated confidence);
 *  3. the whole CLI, `node bin/async-doctor.js explain "<question>" -f json` (process start included;
 *     needs `npm run build`).
 * CPU time (user + system) of this process for 1 and 2, wall time for 3; medians of several runs.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { TopicRouter } from "../src/explain/router.ts";
import { loadRulePages } from "../src/explain/rule-pages.ts";
import { loadTopicFile, topicsDir } from "../src/explain/topics.ts";
import { readdirSync } from "node:fs";
import { outOfScope, routingCases } from "../test/explain/routing-cases.ts";
import { packageRoot } from "../src/util/package-root.ts";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cpuMs = (f: () => void) => {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

const build = () => new TopicRouter(readdirSync(topicsDir).filter((f) => f.endsWith(".md")).map((f) => loadTopicFile(path.join(topicsDir, f))), loadRulePages());
build(); // warm up the JIT and module loading
const buildRuns = Array.from({ length: 9 }, () => cpuMs(build));

const router = build();
const questions = [...Object.values(routingCases).flat(), ...outOfScope];
const routeRuns = Array.from({ length: 9 }, () => cpuMs(() => questions.forEach((q) => router.route(q))));

const cli = path.join(packageRoot, "bin/async-doctor.js");
const cliRuns = Array.from({ length: 5 }, () => {
  const start = performance.now();
  execFileSync(process.execPath, [cli, "explain", "-f", "json", "why does my interval tick immediately"], { stdio: "pipe" });
  return performance.now() - start;
});

console.log(`router build (${loadRulePages().length} rule pages): median ${median(buildRuns).toFixed(1)} ms CPU (min ${Math.min(...buildRuns).toFixed(1)})`);
console.log(`routing ${questions.length} questions: median ${median(routeRuns).toFixed(1)} ms CPU, ${((median(routeRuns) / questions.length) * 1000).toFixed(0)} µs per question`);
console.log(`CLI explain -f json (process start to exit): median ${median(cliRuns).toFixed(0)} ms wall (min ${Math.min(...cliRuns).toFixed(0)})`);
