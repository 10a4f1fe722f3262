/**
 * Fitting the router's confidence (router-calibration.ts) on labelled questions. Used by
 * scripts/calibrate-router.ts, which writes router-calibration.json, and by the router tests, which
 * check that the stored model still fits the current topics and questions.
 *
 * A logistic regression on five features with an L2 penalty, fitted by Newton's method: small enough
 * to write out (a 6×6 linear solve per step), which a statistics dependency would not improve on.
 */
import { featureNames, linearScore, type RouteFeatures, type RouterCalibration } from "./router-calibration.ts";
import type { TopicRouter } from "./router.ts";

export interface LabelledQuestion {
  question: string;
  /** The topic a maintainer would answer with; undefined when no topic answers it. */
  expected?: string;
}

export interface Sample {
  question: string;
  expected?: string;
  routed: string;
  features: RouteFeatures;
  /** 1 when the best topic is the expected one. */
  label: 0 | 1;
}

/** Questions the router answers by search (not by an exact topic or rule id), with their features. */
export function samplesOf(router: TopicRouter, questions: LabelledQuestion[]): Sample[] {
  const out: Sample[] = [];
  for (const { question, expected } of questions) {
    const scored = router.score(question);
    const best = scored[0];
    if (!best) continue; // nothing matches at all: the router answers "no topic matches"
    const routed = router.route(question);
    if (routed?.kind === "rule" || (routed?.kind === "topic" && routed.via === "id")) continue; // ids are not calibrated
    out.push({ question, expected, routed: best.id, features: router.features(question, scored), label: best.id === expected ? 1 : 0 });
  }
  return out;
}

const vector = (features: RouteFeatures) => [1, ...featureNames.map((name) => features[name])];

export function fitLogistic(samples: Sample[], l2 = 0.5, iterations = 50): Pick<RouterCalibration, "bias" | "weights"> {
  const dimension = featureNames.length + 1;
  let w = new Array<number>(dimension).fill(0);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Array<number>(dimension).fill(0);
    const hessian = Array.from({ length: dimension }, () => new Array<number>(dimension).fill(0));
    for (const sample of samples) {
      const x = vector(sample.features);
      const p = 1 / (1 + Math.exp(-x.reduce((sum, xi, i) => sum + xi * w[i]!, 0)));
      for (let i = 0; i < dimension; i++) {
        gradient[i]! += (p - sample.label) * x[i]!;
        for (let j = 0; j < dimension; j++) hessian[i]![j]! += p * (1 - p) * x[i]! * x[j]!;
      }
    }
    // The penalty keeps the weights finite when the classes separate; the bias is not penalised.
    for (let i = 1; i < dimension; i++) {
      gradient[i]! += l2 * w[i]!;
      hessian[i]![i]! += l2;
    }
    hessian[0]![0]! += 1e-9;
    const step = solve(hessian, gradient);
    w = w.map((wi, i) => wi - step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  const weights = Object.fromEntries(featureNames.map((name, i) => [name, round(w[i + 1]!)])) as RouterCalibration["weights"];
  return { bias: round(w[0]!), weights };
}

/** Gaussian elimination with partial pivoting. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let row = column + 1; row < n; row++) if (Math.abs(a[row]![column]!) > Math.abs(a[pivot]![column]!)) pivot = row;
    [a[column], a[pivot]] = [a[pivot]!, a[column]!];
    for (let row = column + 1; row < n; row++) {
      const factor = a[row]![column]! / a[column]![column]!;
      for (let k = column; k <= n; k++) a[row]![k]! -= factor * a[column]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / a[row]![row]!;
  }
  return x;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export const probability = (sample: Sample, model: Pick<RouterCalibration, "bias" | "weights">) => 1 / (1 + Math.exp(-linearScore(sample.features, model)));

export interface CalibrationReport {
  samples: number;
  positives: number;
  negatives: number;
  /** Answers that are right: the routed topic when confidence ≥ bound and correct, or "no good topic" when the best topic is wrong. */
  decisionAccuracy: number;
  brier: number;
  /** Expected calibration error over 10 equal-width bins. */
  ece: number;
}

export function evaluate(samples: Sample[], predict: (sample: Sample) => number, bound: number): CalibrationReport {
  let right = 0;
  let brier = 0;
  const bins = Array.from({ length: 10 }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (const sample of samples) {
    const p = predict(sample);
    if ((p >= bound) === (sample.label === 1)) right++;
    brier += (p - sample.label) ** 2;
    const bin = bins[Math.min(9, Math.floor(p * 10))]!;
    bin.count++;
    bin.confidence += p;
    bin.correct += sample.label;
  }
  const ece = bins.reduce((sum, bin) => sum + (bin.count ? Math.abs(bin.confidence - bin.correct) : 0), 0) / Math.max(1, samples.length);
  const positives = samples.filter((sample) => sample.label === 1).length;
  return {
    samples: samples.length,
    positives,
    negatives: samples.length - positives,
    decisionAccuracy: round(right / Math.max(1, samples.length)),
    brier: round(brier / Math.max(1, samples.length)),
    ece: round(ece),
  };
}

/** k-fold cross-validation (deterministic folds: every k-th sample), so the reported numbers are for questions the fit did not see. */
export function crossValidate(samples: Sample[], bound: number, k = 5): CalibrationReport {
  const predictions = new Map<Sample, number>();
  for (let fold = 0; fold < k; fold++) {
    const train = samples.filter((_, i) => i % k !== fold);
    const model = fitLogistic(train);
    samples.forEach((sample, i) => {
      if (i % k === fold) predictions.set(sample, probability(sample, model));
    });
  }
  return evaluate(samples, (sample) => predictions.get(sample)!, bound);
}
