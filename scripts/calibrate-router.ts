/**
 * Fits the explain router's confidence on the labelled questions of test/explain/routing-cases.ts
 * and writes src/explain/router-calibration.json (weights, the "no good topic" bound, and the
 * cross-validated quality of the fit). Run after changing topics, their keywords or the questions:
 *
 *   node --import tsx scripts/calibrate-router.ts
 */
import { writeFileSync } from "node:fs";
import { crossValidate, evaluate, fitLogistic, probability, samplesOf, type LabelledQuestion } from "../src/explain/calibration-fit.ts";
import { calibrationFile } from "../src/explain/router-calibration.ts";
import { TopicRouter } from "../src/explain/router.ts";
import { loadTopics } from "../src/explain/topics.ts";
import { outOfScope, routingCases } from "../test/explain/routing-cases.ts";

const questions: LabelledQuestion[] = [
  ...Object.entries(routingCases).flatMap(([expected, list]) => list.map((question) => ({ question, expected }))),
  ...outOfScope.map((question) => ({ question })),
];
const samples = samplesOf(new TopicRouter(loadTopics()), questions);
const model = fitLogistic(samples);

// The bound that makes the most right decisions on held-out folds; ties go to the one nearest 0.5.
let best = { bound: 0.5, accuracy: -1 };
for (let bound = 0.2; bound <= 0.8001; bound += 0.05) {
  const { decisionAccuracy } = crossValidate(samples, bound);
  const rounded = Math.round(bound * 100) / 100;
  if (decisionAccuracy > best.accuracy || (decisionAccuracy === best.accuracy && Math.abs(rounded - 0.5) < Math.abs(best.bound - 0.5))) {
    best = { bound: rounded, accuracy: decisionAccuracy };
  }
}
const crossValidated = crossValidate(samples, best.bound);
const training = evaluate(samples, (sample) => probability(sample, model), best.bound);
const calibration = {
  ...model,
  bound: best.bound,
  fit: {
    questions: questions.length,
    calibratedOn: samples.length,
    answeredById: questions.length - samples.length,
    crossValidated,
    training,
  },
};
writeFileSync(calibrationFile, `${JSON.stringify(calibration, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(calibration, null, 2)}\n`);
const wrong = samples.filter((sample) => (probability(sample, model) >= best.bound) !== (sample.label === 1));
for (const sample of wrong) {
  process.stderr.write(`${sample.label ? "missed" : "wrong  "} ${probability(sample, model).toFixed(2)} ${sample.routed.padEnd(28)} ← ${sample.question} (expected ${sample.expected ?? "none"})\n`);
}
