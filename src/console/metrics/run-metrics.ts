import { UsageError } from "../../cli/errors.ts";
export async function runMetricsCommand(_targets: string[], _options: unknown): Promise<number> {
  throw new UsageError("console metrics: not yet");
}
