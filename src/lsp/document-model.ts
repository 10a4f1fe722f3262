import { FileModel } from "../rust/file-model.ts";
import { displayPathOf } from "../rust/read-source.ts";
import { SourceFile } from "../rust/source-file.ts";

/**
 * Parses an editor buffer for one question (hover, inlay hints, a code action) and frees the trees
 * afterwards: trees never outlive a request, like in the lint's own passes.
 */
export async function withDocumentModel<T>(file: string, text: string, use: (model: FileModel) => T | Promise<T>): Promise<T> {
  const model = await FileModel.parse(new SourceFile(file, displayPathOf(file), text));
  try {
    return await use(model);
  } finally {
    model.dispose();
  }
}

/** The identifier-like word around a UTF-16 offset: its start and end, or undefined between words. */
export function wordAt(text: string, offset: number): { start: number; end: number; word: string } | undefined {
  const isWord = (char: string | undefined) => char !== undefined && /[A-Za-z0-9_]/.test(char);
  let start = offset;
  while (start > 0 && isWord(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && isWord(text[end])) end++;
  if (start === end) return undefined;
  return { start, end, word: text.slice(start, end) };
}
