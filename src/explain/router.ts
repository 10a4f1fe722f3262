import MiniSearch from "minisearch";
import type { Topic } from "./topics.ts";
import { visibleCode } from "./markdown.ts";

export interface RouteAlternative {
  id: string;
  title: string;
  score: number;
}

export interface RouteResult {
  topic: Topic;
  /** 0…1: 1 for an exact id; otherwise the normalised margin of the best score over the runner-up. */
  confidence: number;
  score: number;
  alternatives: RouteAlternative[];
}

/** Words that carry no topic signal in questions ("how do I …", "what is …"). */
const stopWords = new Set(
  `a an the and or but of to in on at for from with by as is are was were be been being it its this that these those
  i me my we our you your how what why when where which who whom do does did doing done can could should would will
  shall may might must have has had get gets got there here about into than then so not no yes just actually really
  rust rusts async code program app application please explain tell show mean means thing things way ways use using
  used work works working vs versus`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * A light suffix stripper so "blocking"/"blocked"/"blocks" and "wakers"/"waker" meet. Applied to both
 * the index and the query, so it only has to be consistent, not linguistically right.
 */
export function normaliseTerm(term: string): string | null {
  const t = term.toLowerCase();
  if (t.length < 2 || stopWords.has(t)) return null;
  if (t.length > 5 && t.endsWith("ing")) return t.slice(0, -3);
  if (t.length > 4 && t.endsWith("ed") && !t.endsWith("eed")) return t.slice(0, -2);
  if (t.length > 4 && t.endsWith("ies")) return `${t.slice(0, -3)}y`;
  if (t.length > 3 && t.endsWith("s") && !t.endsWith("ss") && !t.endsWith("us")) return t.slice(0, -1);
  return t;
}

interface IndexedTopic {
  id: string;
  title: string;
  headings: string;
  keywords: string;
  synonyms: string;
  summary: string;
  body: string;
}

function normalisePhrase(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export class TopicRouter {
  private readonly search: MiniSearch<IndexedTopic>;
  private readonly byId: Map<string, Topic>;

  constructor(private readonly topics: Topic[]) {
    this.byId = new Map(topics.map((topic) => [topic.id, topic]));
    this.search = new MiniSearch<IndexedTopic>({
      fields: ["title", "headings", "keywords", "synonyms", "summary", "body"],
      storeFields: ["id", "title"],
      processTerm: normaliseTerm,
      searchOptions: {
        boost: { title: 4, keywords: 3, synonyms: 2.5, headings: 2, summary: 1.5, body: 0.3 },
        prefix: (term) => term.length >= 4,
        fuzzy: (term) => (term.length >= 6 ? 0.2 : false),
        combineWith: "OR",
      },
    });
    this.search.addAll(
      topics.map((topic) => ({
        id: topic.id,
        title: topic.title,
        headings: topic.headings.map((heading) => heading.text).join("\n"),
        keywords: [...topic.keywords, topic.id.replace(/-/g, " ")].join("\n"),
        synonyms: topic.synonyms.join("\n"),
        summary: topic.summary,
        body: proseOf(topic.body),
      })),
    );
  }

  route(query: string, alternatives = 3): RouteResult | undefined {
    const trimmed = query.trim();
    const exact = this.byId.get(trimmed) ?? this.byId.get(trimmed.toLowerCase().replace(/[\s_]+/g, "-"));
    const scored = this.score(trimmed);
    if (exact) {
      const others = scored.filter((entry) => entry.id !== exact.id);
      return { topic: exact, confidence: 1, score: scored.find((e) => e.id === exact.id)?.score ?? 0, alternatives: others.slice(0, alternatives) };
    }
    const best = scored[0];
    if (!best) return undefined;
    const second = scored[1]?.score ?? 0;
    const confidence = Math.round(((best.score - second) / best.score) * 100) / 100;
    return {
      topic: this.byId.get(best.id)!,
      confidence,
      score: best.score,
      alternatives: scored.slice(1, alternatives + 1),
    };
  }

  /** All matching topics, best first. Whole keyword or synonym phrases found in the query add weight. */
  score(query: string): RouteAlternative[] {
    const words = new Set(normalisePhrase(query).split(" ").map((word) => normaliseTerm(word) ?? word));
    const results = this.search.search(query);
    const scored = results.map((result) => {
      const topic = this.byId.get(result.id as string)!;
      // A multi-word keyword or synonym whose every word occurs in the question (in any order, other
      // words in between) is strong evidence; minisearch scores words independently and misses it.
      let bonus = 1;
      for (const candidate of [...topic.keywords, ...topic.synonyms]) {
        const needle = normalisePhrase(candidate).split(" ");
        if (needle.length > 1 && needle.every((word) => words.has(normaliseTerm(word) ?? word))) bonus += 1;
      }
      return { id: topic.id, title: topic.title, score: Math.round(result.score * bonus * 100) / 100 };
    });
    return scored.sort((a, b) => b.score - a.score);
  }
}

/** The body as searchable prose: code is indexed too, but without hidden lines. */
function proseOf(body: string): string {
  return visibleCode(body);
}
