import type { Finding } from "../../lint/finding.ts";
import { ruleDocHref } from "../rule-links.ts";
import type { HoverPart } from "./await-hover.ts";

/** Hover on a finding's span: the rule, its message and help, and a link to the rule's page. */
export function findingHover(findings: Finding[], offset: number): HoverPart | undefined {
  const here = findings.filter((finding) => finding.startOffset <= offset && offset <= finding.endOffset);
  if (here.length === 0) return undefined;
  const parts = here.map((finding) => {
    const chain = finding.chain && finding.chain.length > 1 ? `\n\nchain: ${finding.chain.map((step) => `\`${step}\``).join(" → ")}` : "";
    const fix = finding.fix ? `\n\nquick fix: ${finding.fix.description}` : "";
    return `**async-doctor [${finding.rule}](${ruleDocHref(finding.rule)})** (${finding.severity}): ${finding.message}${chain}\n\nhelp: ${finding.help}${fix}`;
  });
  return {
    markdown: parts.join("\n\n---\n\n"),
    startOffset: Math.min(...here.map((finding) => finding.startOffset)),
    endOffset: Math.max(...here.map((finding) => finding.endOffset)),
  };
}
