import { createHash } from "node:crypto";
import type { Finding } from "../finding.ts";
import { allRules } from "../rules/index.ts";
import type { SourceLines } from "./source-lines.ts";

/** SARIF 2.1.0 as GitHub code scanning reads it: stable rule ids, relative URIs, fingerprints. */
export function renderSarif(findings: Finding[], lines: SourceLines, version: string): string {
  const rules = allRules.map((rule) => ({
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.summary },
    helpUri: `https://github.com/async-doctor/async-doctor/blob/main/docs/rules/${rule.id}.md`,
    defaultConfiguration: { level: rule.defaultSeverity },
  }));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = findings.map((finding) => {
    const lineText = lines.line(finding.file, finding.line) ?? "";
    const fingerprint = createHash("sha256").update(`${finding.rule}\0${finding.file}\0${lineText.trim()}`).digest("hex").slice(0, 32);
    return {
      ruleId: finding.rule,
      ruleIndex: ruleIndex.get(finding.rule),
      level: finding.severity,
      message: { text: `${finding.message}\nhelp: ${finding.help}${finding.chain ? `\ncall chain: ${finding.chain.join(" → ")}` : ""}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: finding.file.split("\\").join("/") },
            region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: fingerprint },
    };
  });
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "async-doctor", version, informationUri: "https://github.com/async-doctor/async-doctor", rules } },
        columnKind: "unicodeCodePoints",
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
