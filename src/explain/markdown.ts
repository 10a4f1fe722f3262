/**
 * The small slice of Markdown that topic files use: TOML front matter between `+++` lines, ATX
 * headings, paragraphs/lists, and fenced code blocks whose info string says how CI treats a Rust
 * example. Written by hand because only these three things are needed (fences and headings, no
 * inline rendering); a full CommonMark parser would add a dependency for nothing we use.
 */

export interface Heading {
  level: number;
  text: string;
  line: number;
}

export interface CodeBlock {
  /** The full info string after the opening fence. */
  info: string;
  /** First word of the info string (`rust`, `output`, `text`, `toml`, `sh`…). */
  lang: string;
  /** Source as written, including rustdoc-style hidden lines (`# …`). */
  raw: string;
  /** 1-based line of the opening fence in the topic file. */
  line: number;
}

export interface ParsedMarkdown {
  frontMatter: string;
  body: string;
  /** Line number (1-based, in the file) where the body starts. */
  bodyLine: number;
  headings: Heading[];
  codeBlocks: CodeBlock[];
}

export function parseTopicMarkdown(source: string, fileName: string): ParsedMarkdown {
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  if (lines[0] !== "+++") throw new Error(`${fileName}: must start with a +++ TOML front matter line`);
  const end = lines.indexOf("+++", 1);
  if (end < 0) throw new Error(`${fileName}: front matter is not closed by a +++ line`);
  const frontMatter = lines.slice(1, end).join("\n");
  const bodyLines = lines.slice(end + 1);
  const bodyLine = end + 2;
  const headings: Heading[] = [];
  const codeBlocks: CodeBlock[] = [];
  let fence: { marker: string; info: string; line: number; content: string[] } | undefined;
  bodyLines.forEach((text, index) => {
    const line = bodyLine + index;
    if (fence) {
      if (text.trimEnd() === fence.marker) {
        const info = fence.info.trim();
        codeBlocks.push({ info, lang: info.split(/\s+/)[0] ?? "", raw: fence.content.join("\n"), line: fence.line });
        fence = undefined;
      } else {
        fence.content.push(text);
      }
      return;
    }
    const open = /^(```+)(.*)$/.exec(text);
    if (open) {
      fence = { marker: open[1]!, info: open[2] ?? "", line, content: [] };
      return;
    }
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(text);
    if (heading) headings.push({ level: heading[1]!.length, text: heading[2]!, line });
  });
  if (fence) throw new Error(`${fileName}:${fence.line}: code fence is never closed`);
  return { frontMatter, body: bodyLines.join("\n").trim(), bodyLine, headings, codeBlocks };
}

/** rustdoc convention: a line `#` or `# …` is compiled but not shown. */
export function isHiddenLine(line: string): boolean {
  return line === "#" || line.startsWith("# ");
}

export function visibleCode(raw: string): string {
  return raw
    .split("\n")
    .filter((line) => !isHiddenLine(line))
    .join("\n");
}

export function compiledCode(raw: string): string {
  return raw
    .split("\n")
    .map((line) => (line === "#" ? "" : line.startsWith("# ") ? line.slice(2) : line))
    .join("\n");
}

/** Splits a body into fenced and prose segments, in order, so renderers can treat them differently. */
export type Segment = { kind: "prose"; text: string } | { kind: "code"; info: string; lang: string; raw: string };

export function segments(body: string): Segment[] {
  const out: Segment[] = [];
  let prose: string[] = [];
  let fence: { marker: string; info: string; content: string[] } | undefined;
  const flushProse = () => {
    if (prose.length) out.push({ kind: "prose", text: prose.join("\n") });
    prose = [];
  };
  for (const text of body.split("\n")) {
    if (fence) {
      if (text.trimEnd() === fence.marker) {
        const info = fence.info.trim();
        out.push({ kind: "code", info, lang: info.split(/\s+/)[0] ?? "", raw: fence.content.join("\n") });
        fence = undefined;
      } else fence.content.push(text);
      continue;
    }
    const open = /^(```+)(.*)$/.exec(text);
    if (open) {
      flushProse();
      fence = { marker: open[1]!, info: open[2] ?? "", content: [] };
      continue;
    }
    prose.push(text);
  }
  flushProse();
  return out;
}
