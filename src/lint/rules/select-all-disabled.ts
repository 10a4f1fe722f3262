import type { FileCheckContext, LintRule } from "../rule.ts";

/** Patterns that can fail to match: `Some(x)`, `Ok(v)`, `Msg::Data(d)`, literals. */
export function isRefutablePattern(pattern: string): boolean {
  const text = pattern.trim();
  if (/^(mut\s+)?[a-z_][\w]*$/.test(text) || text === "_") return false;
  if (/^\(.*\)$/s.test(text)) return text.slice(1, -1).split(",").some((p) => p.trim() !== "" && isRefutablePattern(p));
  if (/^&/.test(text)) return isRefutablePattern(text.replace(/^&\s*(mut\s+)?/, ""));
  if (/^(Some|Ok|Err|None)\b/.test(text)) return true;
  if (/::/.test(text)) return true; // an enum variant
  if (/^[A-Z]\w*\s*\{/.test(text)) return false; // a struct pattern always matches
  if (/^[A-Z]\w*\s*\(/.test(text)) return false; // a tuple struct pattern always matches
  return /^[-\d"'b]/.test(text) || text.includes("|") || text.includes("..");
}

/**
 * `_ = &mut a, if force => …` next to `_ = &mut b, if !force => …`: whatever `force` is, one of the two
 * is enabled, and with irrefutable patterns neither is disabled by its result.
 */
function complementaryGuards(branches: Array<{ patternText?: string; precondition?: string }>): boolean {
  const normal = (text: string) => text.replace(/\s+/g, "");
  const guards = branches.filter((b) => b.precondition !== undefined && !isRefutablePattern(b.patternText ?? "_")).map((b) => normal(b.precondition!));
  return guards.some((g) => guards.includes(`!${g}`) || guards.includes(`!(${g})`));
}

function checkSelects(context: FileCheckContext): void {
  const { model } = context;
  for (const select of model.selects) {
    if (select.flavor !== "tokio") continue;
    const branches = select.body.branches.map((branch, index) => ({ branch, patternText: select.branches[index]?.patternText }));
    const ordinary = branches.filter(({ branch }) => !branch.special);
    if (ordinary.length === 0 || branches.some(({ branch }) => branch.special === "else")) continue;
    const canDisable = ordinary.every(({ branch, patternText }) => branch.precondition !== undefined || isRefutablePattern(patternText ?? "_"));
    if (!canDisable || complementaryGuards(select.branches.filter((_, i) => !select.body.branches[i]?.special).map((b) => ({ patternText: b.patternText, precondition: b.precondition?.text })))) continue;
    context.report(select.site, {
      message: "every branch of this `select!` can be disabled (a refutable pattern like `Some(v)` or an `, if` precondition) and there is no `else` branch: when all are disabled at once (for example every channel closed) it panics with \"all branches are disabled and there is no else branch\"",
      help: "add an `else => break,` (or `else => return …`) branch that handles the case where nothing is left to wait for",
      endNode: select.site.childForFieldName("macro") ?? select.site,
    });
  }
}

export const selectAllDisabled: LintRule = {
  id: "select-all-disabled",
  defaultSeverity: "warning",
  summary: "select! whose branches can all be disabled and that has no else branch (panics)",
  finishFile: checkSelects,
};
