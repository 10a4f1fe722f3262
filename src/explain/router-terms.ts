/**
 * How the router cuts questions and topics into terms. Hand-written because the question language is
 * Rust-flavoured English: API names (`block_in_place`, `tokio::time::interval`, `select!`) must match
 * both as a whole and by their words, which no stemmer or tokenizer package does for us.
 */

/** Words that carry no topic signal in questions ("how do I …", "what is …"). */
const stopWords = new Set(
  `a an the and or but of to in on at for from with by as is are was were be been being it its this that these those
  i me my we our you your how what why when where which who whom do does did doing done can could should would will
  shall may might must have has had get gets got there here about into than then so not no yes just actually really
  rust rusts async code program app application please explain tell show mean means thing things way ways use using
  used work works working vs versus times`
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

/** Words and numbers; an identifier with underscores is kept whole and also split into its words. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const token of text.split(/[^\p{L}\p{N}_]+/u)) {
    const trimmed = token.replace(/^_+|_+$/g, "");
    if (!trimmed) continue;
    out.push(trimmed);
    if (trimmed.includes("_")) out.push(...trimmed.split("_").filter(Boolean));
  }
  return out;
}

export function normalisePhrase(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The question's content terms (normalised, no stop words, no duplicates). */
export function questionTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const token of tokenize(text)) {
    if (token.includes("_")) continue; // its words are counted on their own
    const term = normaliseTerm(token);
    if (term) terms.add(term);
  }
  return [...terms];
}

/**
 * API names in a text, lower-cased, by their last path segment without `!` or `()`:
 * `tokio::task::block_in_place()` → `block_in_place`, `MissedTickBehavior::Delay` → `missedtickbehavior`,
 * `delay`. For a topic's keywords (`anyToken` false) only names that look like APIs count: with an
 * underscore or in CamelCase with two capitals, so plain words ("interval") stay ordinary terms. For a
 * question (`anyToken` true) every token is a candidate, so `joinset` written in lower case still meets
 * `JoinSet`.
 */
export function identifierKeys(text: string, anyToken = false): string[] {
  const keys: string[] = [];
  for (const raw of text.split(/[^A-Za-z0-9_:]+/)) {
    for (const segment of raw.split("::")) {
      const name = segment.replace(/^_+|_+$/g, "");
      if (!name) continue;
      const looksLikeApi = name.includes("_") || (/^[A-Z]/.test(name) && (name.match(/[A-Z]/g)?.length ?? 0) >= 2 && /[a-z]/.test(name));
      if (anyToken || looksLikeApi) keys.push(name.toLowerCase());
    }
  }
  return keys;
}

/**
 * Everyday Rust words that also occur in async topics ("trait", "closure", "iterator"…), and names of
 * other languages and their async words. A question made only of these is not about async Rust; the router's confidence uses the share of a
 * question's words that are NOT in this list (router-calibration.ts, feature `asyncShare`).
 */
export const generalRustTerms = new Set(
  `trait bound generic closure iterator iter map filter collect lifetime borrow borrowing borrowck ownership owner move
  unsafe macro enum struct string str vec vector slice array type types impl function fn method call return value
  error result option unwrap file read write parse json serde csv install compile compiler cargo crate crates build
  binary large size memory pointer smart box rc reference ref mutable immutable clone copy integer convert sort
  test regex format print linked list match tuple question operator module workspace publish
  javascript typescript python java kotlin golang csharp node nodejs promise asyncio coroutine goroutine`
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => normaliseTerm(word) ?? word),
);

/**
 * Whether every word of `phrase` occurs in `text` in the same order, with at most a few other words
 * between neighbours: pasted messages carry type names and paths inside them
 * ("has type `MutexGuard<'_, u32>` which is not `Send`").
 */
export function containsPhrase(text: string[], phrase: string[], maxGap = 6): boolean {
  if (!phrase.length) return false;
  for (let start = 0; start < text.length; start++) {
    if (text[start] !== phrase[0]) continue;
    let at = start;
    let matched = 1;
    for (let k = start + 1; k < text.length && matched < phrase.length && k - at <= maxGap + 1; k++) {
      if (text[k] === phrase[matched]) {
        at = k;
        matched++;
      }
    }
    if (matched === phrase.length) return true;
  }
  return false;
}
