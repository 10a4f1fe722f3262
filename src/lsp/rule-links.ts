import path from "node:path";
import { pathToFileURL } from "node:url";
import { packageRoot } from "../util/package-root.ts";

/**
 * The page of a rule, as a link an editor can open: the Markdown page shipped in the package
 * (docs/rules/<id>.md), so it always matches the version that produced the finding and works offline.
 */
export function ruleDocHref(ruleId: string): string {
  return pathToFileURL(path.join(packageRoot, "docs", "rules", `${ruleId}.md`)).href;
}
