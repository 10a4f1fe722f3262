/**
 * Control characters from data (task names, log lines, source lines, echoed input) made visible before
 * they reach a terminal or an agent: `ESC]0;title BEL` or `ESC[2J` in a task name must not retitle or
 * clear the user's terminal. C0 controls other than tab and newline, DEL and C1 controls become `\xNN`
 * (`\u{NNNN}` for the C1 range and the bidirectional overrides that reorder what a reader sees).
 */
// eslint-disable-next-line no-control-regex
const controls = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  controls.lastIndex = 0;
  if (!controls.test(text)) return text;
  return text.replace(controls, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}

/** Like escapeControl, for one-line contexts: newlines become `\n` too. */
export function escapeControlLine(text: string): string {
  return escapeControl(text).replace(/\r?\n/g, "\\n");
}
