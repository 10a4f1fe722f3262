import MiniSearch from "minisearch";
import type { Topic } from "./topics.ts";
import { visibleCode } from "./markdown.ts";
import { loadRulePages, type RulePage } from "./rule-pages.ts";
import { confidenceOf, routerCalibration, type RouteFeatures } from "./router-calibration.ts";
import { containsPhrase, generalRustTerms, identifierKeys, normalisePhrase, normaliseTerm, questionTerms, tokenize } from "./router-terms.ts";

export { normaliseTerm } from "./router-terms.ts";

export interface RouteAlternative {
  id: string;
  title: string;
  score: number;
}

/**
 * What a question reached:
 * - `topic`: an explain topic. `confidence` is 1 for an exact topic id; otherwise the calibrated
 *   probability that this is the topic a maintainer would answer with (router-calibration.ts).
 * - `rule`: a lint or runtime rule's page, for a rule id (`select-cancel-unsafe`, `lint:…`, `runtime:…`).
 * - `no-good-topic`: no topic is likely enough (confidence below the calibrated bound); `nearest`
 *   are the best candidates, so the caller can offer them instead of a confident wrong answer.
 */
export type RouteResult =
  | { kind: "topic"; via: "id" | "search"; topic: Topic; confidence: number; score: number; alternatives: RouteAlternative[]; features?: RouteFeatures }
  | { kind: "rule"; rule: RulePage; confidence: 1; alternatives: RouteAlternative[] }
  | { kind: "no-good-topic"; confidence: number; score: number; nearest: RouteAlternative[]; features: RouteFeatures };

interface IndexedTopic {
  id: string;
  title: string;
  headings: string;
  keywords: string;
  synonyms: string;
  errors: string;
  summary: string;
  body: string;
}

interface Evidence {
  /** Multi-word keywords or synonyms whose every word occurs in the question. */
  phrases: number;
  /** API identifiers of the topic (`block_in_place`, `MissedTickBehavior`) written in the question. */
  apis: number;
  /** Pasted compiler or runtime messages of the topic found in the question. */
  errors: number;
}

interface Scored extends RouteAlternative {
  evidence: Evidence;
}

const fields = ["title", "headings", "keywords", "synonyms", "errors", "summary", "body"] as const;

export class TopicRouter {
  private readonly search: MiniSearch<IndexedTopic>;
  private readonly byId: Map<string, Topic>;
  private readonly rules: RulePage[];
  /** Every processed term each topic's index holds, for the coverage feature. */
  private readonly termsOf = new Map<string, Set<string>>();
  private readonly apisOf = new Map<string, Set<string>>();

  constructor(
    private readonly topics: Topic[],
    rules: RulePage[] = loadRulePages(),
  ) {
    this.rules = rules;
    this.byId = new Map(topics.map((topic) => [topic.id, topic]));
    this.search = new MiniSearch<IndexedTopic>({
      fields: [...fields],
      storeFields: ["id", "title"],
      tokenize,
      processTerm: normaliseTerm,
      searchOptions: {
        boost: { title: 4, keywords: 3, errors: 3, synonyms: 2.5, headings: 2, summary: 1.5, body: 0.3 },
        prefix: (term) => term.length >= 4,
        fuzzy: (term) => (term.length >= 6 ? 0.2 : false),
        combineWith: "OR",
      },
    });
    const documents = topics.map((topic) => ({
      id: topic.id,
      title: topic.title,
      headings: topic.headings.map((heading) => heading.text).join("\n"),
      keywords: [...topic.keywords, topic.id.replace(/-/g, " ")].join("\n"),
      synonyms: topic.synonyms.join("\n"),
      errors: topic.errors.join("\n"),
      summary: topic.summary,
      body: visibleCode(topic.body),
    }));
    this.search.addAll(documents);
    for (const document of documents) {
      const terms = new Set<string>();
      for (const field of fields) {
        for (const token of tokenize(document[field])) {
          const term = normaliseTerm(token);
          if (term) terms.add(term);
        }
      }
      this.termsOf.set(document.id, terms);
    }
    for (const topic of topics) this.apisOf.set(topic.id, new Set(topic.keywords.flatMap((keyword) => identifierKeys(keyword))));
  }

  route(query: string, alternatives = 3): RouteResult | undefined {
    const trimmed = query.trim();
    const exact = this.exactTopic(trimmed);
    if (exact) {
      const others = this.score(trimmed).filter((entry) => entry.id !== exact.id);
      return { kind: "topic", via: "id", topic: exact, confidence: 1, score: 0, alternatives: strip(others.slice(0, alternatives)) };
    }
    const rule = this.ruleReference(trimmed);
    if (rule) {
      const linking = this.topics.filter((topic) => (rule.kind === "lint" ? topic.lint_rules : topic.runtime_rules).includes(rule.id));
      return { kind: "rule", rule, confidence: 1, alternatives: linking.slice(0, alternatives).map(({ id, title }) => ({ id, title, score: 0 })) };
    }
    const scored = this.score(trimmed);
    const best = scored[0];
    if (!best) return undefined;
    const features = this.features(trimmed, scored);
    const confidence = confidenceOf(features);
    if (confidence < routerCalibration.bound) {
      return { kind: "no-good-topic", confidence, score: best.score, nearest: strip(scored.slice(0, Math.max(alternatives, 1))), features };
    }
    return { kind: "topic", via: "search", topic: this.byId.get(best.id)!, confidence, score: best.score, alternatives: strip(scored.slice(1, alternatives + 1)), features };
  }

  /** A topic id as the whole query (`pin-and-unpin`, `pin and unpin`, `future_not_send`), or a hyphenated topic id inside it. */
  private exactTopic(query: string): Topic | undefined {
    const asId = query.toLowerCase().replace(/[\s_]+/g, "-");
    const whole = this.byId.get(query) ?? this.byId.get(asId);
    if (whole) return whole;
    if (this.ruleReference(query)) return undefined;
    for (const token of query.toLowerCase().split(/[^a-z0-9-]+/)) {
      const topic = token.includes("-") ? this.byId.get(token) : undefined;
      if (topic) return topic;
    }
    return undefined;
  }

  /**
   * A lint or runtime rule named by id: `select-cancel-unsafe`, `select_cancel_unsafe`, `lint:blocking-in-async`,
   * `runtime rule lost-waker`, or a question that names one ("why does lint select-cancel-unsafe fire here").
   * A bare id that is also a topic id is the topic; `lint:<id>` or `rule <id>` reaches the rule page.
   */
  ruleReference(query: string): RulePage | undefined {
    const text = query.toLowerCase().trim();
    const qualified = /^(?:(lint|runtime)(?:[- ]rules?)?\s*[:/ ]\s*|rule\s*[: ]\s*)([a-z0-9_-]+)$/.exec(text);
    if (qualified) {
      const kind = qualified[1] as "lint" | "runtime" | undefined;
      const id = qualified[2]!.replace(/_/g, "-");
      return this.rules.find((page) => page.id === id && (!kind || page.kind === kind));
    }
    const asId = text.replace(/_/g, "-");
    if (this.byId.has(asId)) return undefined;
    const whole = this.rules.find((page) => page.id === asId);
    if (whole) return whole;
    for (const token of text.split(/[^a-z0-9_-]+/)) {
      const id = token.replace(/_/g, "-");
      if (!id.includes("-") || this.byId.has(id)) continue;
      const page = this.rules.find((candidate) => candidate.id === id);
      if (page) return page;
    }
    return undefined;
  }

  /** All matching topics, best first. Phrases, API names and pasted messages of a topic multiply its score. */
  score(query: string): Scored[] {
    const words = new Set(normalisePhrase(query).split(" ").map((word) => normaliseTerm(word) ?? word));
    const phraseWords = normalisePhrase(query).split(" ");
    const identifiers = new Set(identifierKeys(query, true));
    const results = this.search.search(query);
    const scored = results.map((result) => {
      const topic = this.byId.get(result.id as string)!;
      const evidence: Evidence = { phrases: 0, apis: 0, errors: 0 };
      // A multi-word keyword or synonym whose every word occurs in the question (in any order, other
      // words in between) is strong evidence; minisearch scores words independently and misses it.
      for (const candidate of [...topic.keywords, ...topic.synonyms]) {
        const needle = normalisePhrase(candidate).split(" ");
        if (needle.length > 1 && needle.every((word) => words.has(normaliseTerm(word) ?? word))) evidence.phrases++;
      }
      for (const api of this.apisOf.get(topic.id) ?? []) if (identifiers.has(api)) evidence.apis++;
      for (const message of topic.errors) if (containsPhrase(phraseWords, normalisePhrase(message).split(" "))) evidence.errors++;
      const bonus = 1 + evidence.phrases + 1.5 * evidence.apis + 3 * evidence.errors;
      return { id: topic.id, title: topic.title, score: Math.round(result.score * bonus * 100) / 100, evidence };
    });
    return scored.sort((a, b) => b.score - a.score);
  }

  /** The numbers the calibrated confidence is computed from (see router-calibration.ts). */
  features(query: string, scored: Scored[] = this.score(query)): RouteFeatures {
    const best = scored[0];
    if (!best) return { margin: 0, logScore: 0, coverage: 0, asyncShare: 0, strongBest: 0, strongSecond: 0 };
    const second = scored[1];
    const terms = questionTerms(query);
    const known = this.termsOf.get(best.id) ?? new Set<string>();
    const covered = terms.filter((term) => known.has(term) || (term.length >= 4 && [...known].some((k) => k.startsWith(term)))).length;
    const strong = (entry: Scored | undefined) => (entry ? Math.min(3, entry.evidence.phrases + entry.evidence.apis + 2 * entry.evidence.errors) : 0);
    return {
      margin: second ? (best.score - second.score) / best.score : 1,
      logScore: Math.log1p(best.score),
      coverage: terms.length ? covered / terms.length : 0,
      asyncShare: terms.length ? terms.filter((term) => !generalRustTerms.has(term)).length / terms.length : 0,
      strongBest: strong(best),
      strongSecond: strong(second),
    };
  }
}

function strip(entries: Scored[]): RouteAlternative[] {
  return entries.map(({ id, title, score }) => ({ id, title, score }));
}
