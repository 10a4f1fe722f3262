import { UsageError } from "../../cli/errors.ts";

export async function runExplainAt(_target: string, _format: string, _color: boolean): Promise<number> {
  throw new UsageError("explain --at is not implemented yet");
}
