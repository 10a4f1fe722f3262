/**
 * The task filter language of `console snapshot --filter` (documented in docs/console.md):
 *
 *   EXPR    := CLAUSE (("," | "&&" | " and ") CLAUSE)*        all clauses must hold; repeated --filter too
 *   CLAUSE  := FIELD OP VALUE
 *   OP      := "=" | "!=" | "~" | "!~" | ">" | ">=" | "<" | "<="
 *   FIELD   := a task column (id, tid, name, state, kind, location, target, total, busy, sched, idle,
 *              polls, wakes, self_wakes, wakers) or field.NAME (another span field, e.g. field.fn)
 *   VALUE   := a bare word or a "double-quoted string"
 *
 * Text: `=`/`!=` compare exactly; `~`/`!~` match a case-insensitive substring, or a regular expression
 * written /like this/ in RE2 syntax (re2js: linear-time matching, so a client's `/(a+)+$/` cannot hang
 * the CLI or the MCP server; lookarounds and backreferences are refused). Numbers and ids: all six comparisons. Durations need a unit: ns, us (µs), ms, s,
 * m, h (e.g. `busy>100ms`). State: running, scheduled, idle, done (alias completed).
 * Examples: `name~blocker`, `state=idle`, `polls>10`, `kind!=blocking`, `busy>=1s,state!=done`.
 */
import { RE2JS } from "re2js";
import { UsageError } from "../../cli/errors.ts";
import { findColumn, type TaskRow } from "./task-columns.ts";

export type TaskPredicate = (row: TaskRow) => boolean;

const OPS = ["!=", ">=", "<=", "!~", "=", "~", ">", "<"] as const;
type Op = (typeof OPS)[number];

export function parseTaskFilter(expr: string): TaskPredicate {
  const clauses = splitClauses(expr);
  if (clauses.length === 0) throw new UsageError(`empty --filter expression`);
  const predicates = clauses.map((c) => parseClause(c, expr));
  return (row) => predicates.every((p) => p(row));
}

function splitClauses(expr: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === "," || (c === "&" && expr[i + 1] === "&"))) {
      if (c === "&") i++;
      out.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  out.push(current);
  return out
    .flatMap((part) => (part.includes('"') ? [part] : part.split(/\s+and\s+/i)))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function parseClause(clause: string, whole: string): TaskPredicate {
  const m = /^([A-Za-z_][\w.-]*)\s*(!=|>=|<=|!~|==|=|~|>|<)\s*(.*)$/.exec(clause);
  if (!m) throw new UsageError(`bad --filter clause '${clause}' in '${whole}': expected FIELD OP VALUE, e.g. polls>10 or name~blocker`);
  const [, field, rawOp, rawValue] = m;
  const op = (rawOp === "==" ? "=" : rawOp) as Op;
  let value = rawValue.trim();
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);

  if (field.startsWith("field.")) {
    const name = field.slice("field.".length);
    return textPredicate(op, value, (row) => row.fields[name] ?? "", clause);
  }
  const column = findColumn(field);
  if (!column) throw new UsageError(`unknown --filter field '${field}' (known: id, tid, name, state, kind, location, target, total, busy, sched, idle, polls, wakes, self_wakes, wakers, field.NAME)`);
  switch (column.type) {
    case "text":
      return textPredicate(op, value, (row) => String(column.value(row)), clause);
    case "state": {
      if (op !== "=" && op !== "!=") throw new UsageError(`--filter '${clause}': state supports = and != only`);
      const wanted = value.toLowerCase() === "completed" ? "done" : value.toLowerCase();
      if (!["running", "scheduled", "idle", "done"].includes(wanted)) throw new UsageError(`--filter '${clause}': state is one of running, scheduled, idle, done`);
      return op === "=" ? (row) => row.state === wanted : (row) => row.state !== wanted;
    }
    case "id": {
      if (op === "~" || op === "!~") return textPredicate(op, value, (row) => String(column.value(row)), clause);
      if (!/^\d+$/.test(value)) throw new UsageError(`--filter '${clause}': ${field} needs a decimal integer`);
      const v = BigInt(value);
      return (row) => {
        const text = String(column.value(row));
        return text !== "" && compare(op, BigInt(text), v);
      };
    }
    case "number": {
      if (op === "~" || op === "!~") throw new UsageError(`--filter '${clause}': ${field} is a number; use = != > >= < <=`);
      const v = Number(value);
      if (value === "" || !Number.isFinite(v)) throw new UsageError(`--filter '${clause}': ${field} needs a number`);
      return (row) => compare(op, column.value(row) as number, v);
    }
    case "duration": {
      if (op === "~" || op === "!~") throw new UsageError(`--filter '${clause}': ${field} is a duration; use = != > >= < <=`);
      const v = parseDurationNs(value, clause);
      return (row) => {
        const x = column.value(row) as number;
        return !Number.isNaN(x) && compare(op, x, v);
      };
    }
  }
}

function textPredicate(op: Op, value: string, get: (row: TaskRow) => string, clause: string): TaskPredicate {
  switch (op) {
    case "=":
      return (row) => get(row) === value;
    case "!=":
      return (row) => get(row) !== value;
    case "~":
    case "!~": {
      let test: (s: string) => boolean;
      if (value.length >= 2 && value.startsWith("/") && value.endsWith("/")) {
        let re: RE2JS;
        try {
          re = RE2JS.compile(value.slice(1, -1), RE2JS.CASE_INSENSITIVE);
        } catch (error) {
          throw new UsageError(`--filter '${clause}': bad regular expression (RE2 syntax): ${error instanceof Error ? error.message : String(error)}`);
        }
        test = (s) => re.matcher(s).find();
      } else {
        const needle = value.toLowerCase();
        test = (s) => s.toLowerCase().includes(needle);
      }
      return op === "~" ? (row) => test(get(row)) : (row) => !test(get(row));
    }
    default:
      throw new UsageError(`--filter '${clause}': text fields support = != ~ !~`);
  }
}

function compare<T extends number | bigint>(op: Op, a: T, b: T): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    default:
      return false;
  }
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9, h: 3600e9 };

export function parseDurationNs(text: string, clause = text): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zµμ]*)$/i.exec(text.trim());
  if (!m) throw new UsageError(`--filter '${clause}': bad duration '${text}' (e.g. 500us, 100ms, 1.5s)`);
  const n = Number(m[1]);
  if (m[2] === "") {
    if (n === 0) return 0;
    throw new UsageError(`--filter '${clause}': duration '${text}' needs a unit (ns, us, ms, s, m, h)`);
  }
  const factor = UNITS[m[2].toLowerCase()];
  if (factor === undefined) throw new UsageError(`--filter '${clause}': unknown duration unit '${m[2]}' (ns, us, ms, s, m, h)`);
  return n * factor;
}
