/**
 * What the router's confidence means. For a free-text question the router computes a few numbers
 * about its best match (below) and turns them into a probability with a logistic model:
 *
 *   confidence = 1 / (1 + e^-(bias + Σ weight·feature))
 *
 * The weights are fitted by `scripts/calibrate-router.ts` on labelled questions
 * (test/explain/routing-cases.ts: questions with the topic a maintainer would answer with, and
 * questions no topic answers), so the confidence estimates the probability that the routed topic is
 * the right one. Below `bound` the router answers "no good topic" with the nearest topics instead.
 * The fit's numbers (sizes, cross-validated accuracy and calibration error) are stored beside the
 * weights in router-calibration.json and reported in docs/explain.md.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { packageRoot } from "../util/package-root.ts";

export interface RouteFeatures {
  /** (best − runner-up) / best score: 1 when only one topic matched. */
  margin: number;
  /** ln(1 + best score): how much of the question the best topic matched, weighted by field. */
  logScore: number;
  /** Share of the question's content words found anywhere in the best topic (0…1). */
  coverage: number;
  /** Share of the question's content words that are not everyday Rust words (router-terms.ts generalRustTerms). */
  asyncShare: number;
  /** Strong evidence for the best topic (keyword phrases, API names, pasted messages), capped at 3. */
  strongBest: number;
  /** The same for the runner-up. */
  strongSecond: number;
}

export const featureNames = ["margin", "logScore", "coverage", "asyncShare", "strongBest", "strongSecond"] as const satisfies readonly (keyof RouteFeatures)[];

const calibrationSchema = z.object({
  bias: z.number(),
  weights: z.object({ margin: z.number(), logScore: z.number(), coverage: z.number(), asyncShare: z.number(), strongBest: z.number(), strongSecond: z.number() }),
  bound: z.number().min(0).max(1),
  fit: z.record(z.string(), z.unknown()),
});

export type RouterCalibration = z.infer<typeof calibrationSchema>;

export const calibrationFile = path.join(packageRoot, "src/explain/router-calibration.json");

export const routerCalibration: RouterCalibration = calibrationSchema.parse(JSON.parse(readFileSync(calibrationFile, "utf8")));

export function linearScore(features: RouteFeatures, calibration: Pick<RouterCalibration, "bias" | "weights"> = routerCalibration): number {
  let sum = calibration.bias;
  for (const name of featureNames) sum += calibration.weights[name] * features[name];
  return sum;
}

/** Rounded to two decimals and at most 0.99: 1 is reserved for an exact topic or rule id. */
export function confidenceOf(features: RouteFeatures, calibration: Pick<RouterCalibration, "bias" | "weights"> = routerCalibration): number {
  return Math.min(0.99, Math.round((1 / (1 + Math.exp(-linearScore(features, calibration)))) * 100) / 100);
}
