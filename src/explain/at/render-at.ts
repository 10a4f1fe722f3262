import { createColors } from "picocolors";
import type { ExplainAtResult } from "./run-explain-at.ts";
import type { StoredLocal } from "./state-machine.ts";

const relatedTopics = ["pin-and-unpin", "future-not-send", "cancellation-and-shutdown", "future-and-poll"];

export function renderStateMachineJson(result: ExplainAtResult): string {
  const { machine, findings, lintError } = result;
  return `${JSON.stringify(
    {
      file: machine.file,
      line: result.line,
      function: { kind: machine.kind, name: machine.name, startLine: machine.startLine, endLine: machine.endLine },
      unpin: false,
      awaits: machine.awaits,
      notSend: machine.notSend,
      selfReferences: machine.selfReferences,
      spawns: machine.spawns,
      findings: findings.map(({ rule, severity, line, column, message, help }) => ({ rule, severity, line, column, message, help })),
      ...(lintError ? { lintError } : {}),
      relatedTopics,
    },
    null,
    2,
  )}\n`;
}

export function describeLocal(local: StoredLocal): string {
  const parts = [local.name];
  const notes: string[] = [];
  if (local.parameter) notes.push("parameter");
  else notes.push(`line ${local.line}`);
  if (!local.usedAfter) notes.push("not read later; kept for its destructor");
  if (local.borrows) notes.push(`borrows \`${local.borrows}\``);
  if (local.notSend) notes.push("!Send");
  return `${parts[0]} (${notes.join(", ")})`;
}

interface Style {
  heading(text: string): string;
  code(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bullet: string;
}

function render(result: ExplainAtResult, style: Style): string {
  const { machine, findings, lintError } = result;
  const out: string[] = [];
  out.push(style.heading(`${machine.kind} ${machine.name}`) + style.dim(`  ${machine.file}:${machine.startLine}-${machine.endLine}`));
  out.push("");
  out.push(
    `The compiler turns this ${machine.kind} into a state machine: one state per await point below, each storing the locals ` +
      "still needed after it. Like every async state machine it is !Unpin (it may point into itself), so it must be pinned to be polled.",
  );
  out.push("");
  if (!machine.awaits.length) {
    out.push("It has no await points: it completes in its first poll, and dropping it before that poll just discards it.");
  } else {
    out.push(style.heading(`Await points (${machine.awaits.length}), in source order`));
    machine.awaits.forEach((point, index) => {
      const via = point.via ? style.dim(` [${point.via}]`) : "";
      out.push(`${index + 1}. ${machine.file}:${point.line}:${point.column}  ${style.code(point.expression)}${via}`);
      out.push(`   stores: ${point.stored.length ? point.stored.map(describeLocal).join("; ") : "nothing beyond the awaited future"}`);
      if (point.temporaryGuard) out.push(`   ${style.warn(`held temporary: ${point.temporaryGuard}`)}`);
      out.push(`   ${style.dim(`cancel: ${point.cancellation}`)}`);
    });
  }
  out.push("");
  out.push(style.heading("Send"));
  const temporaries = machine.awaits.filter((point) => point.temporaryGuard);
  const covered = new Set([...machine.notSend.map((value) => value.line), ...temporaries.map((point) => point.line)]);
  // The lint's guard analysis knows shapes this outline does not; show what it found too.
  const lintGuards = findings.filter((finding) => finding.rule === "guard-across-await" && !covered.has(finding.line));
  for (const finding of lintGuards) out.push(`${style.bullet} line ${finding.line} (lint guard-across-await): ${finding.message}; the future is !Send.`);
  if (!machine.notSend.length && !temporaries.length && !lintGuards.length) {
    out.push("No guard, Rc or RefCell borrow was found alive across an await (types the source does not show are not checked).");
  } else {
    for (const value of machine.notSend) {
      out.push(
        `${style.bullet} ${style.warn(`\`${value.name}\``)} (line ${value.line}) is alive across the await(s) at line ${value.acrossAwaitsAt.join(", ")}: ${value.reason}. ` +
          "The future is !Send: tokio::spawn rejects it (\"future cannot be sent between threads safely\"). End its scope or drop() it before the await.",
      );
    }
    for (const point of temporaries) out.push(`${style.bullet} line ${point.line}: ${point.temporaryGuard}; the future is !Send.`);
  }
  if (machine.selfReferences.length) {
    out.push("");
    out.push(style.heading("Self-references"));
    for (const ref of machine.selfReferences) {
      out.push(`${style.bullet} \`${ref.name}\` (line ${ref.line}) borrows \`${ref.borrows}\`, which the same state machine stores: moving it would dangle; this is why it needs Pin.`);
    }
  }
  out.push("");
  out.push(style.heading("Cancellation"));
  out.push("Dropping this future while it is suspended cancels it at that await point (see each point's `cancel:` line above); the locals it stores are dropped then.");
  for (const spawn of machine.spawns) out.push(`${style.bullet} line ${spawn.line}: ${style.code(spawn.call)} ${spawn.note}`);
  out.push("");
  out.push(style.heading(`Lint findings inside (${findings.length})`));
  if (lintError) out.push(style.dim(`lint could not run: ${lintError}`));
  else if (!findings.length) out.push("none");
  for (const finding of findings) out.push(`${style.bullet} ${finding.line}:${finding.column} ${finding.severity} ${style.code(finding.rule)}: ${finding.message}`);
  out.push("");
  out.push(style.dim(`See also: ${relatedTopics.map((id) => `async-doctor explain ${id}`).join(", ")}`));
  return `${out.join("\n")}\n`;
}

export function renderStateMachineText(result: ExplainAtResult, color: boolean): string {
  const c = createColors(color);
  return render(result, {
    heading: (text) => c.bold(c.magenta(text)),
    code: (text) => c.cyan(text),
    warn: (text) => c.yellow(text),
    dim: (text) => c.dim(text),
    bullet: "-",
  });
}

export function renderStateMachineMarkdown(result: ExplainAtResult): string {
  const text = render(result, {
    heading: (text) => `## ${text}`,
    code: (text) => `\`${text.replace(/`/g, "'")}\``,
    warn: (text) => `**${text}**`,
    dim: (text) => text,
    bullet: "-",
  });
  return text.replace(/^## (async (fn|block|closure) .*)$/m, "# $1");
}
