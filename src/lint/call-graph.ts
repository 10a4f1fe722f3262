import path from "node:path";
import type { BlockingCallFact, CallFact, CrateFacts, FunctionFacts } from "./facts.ts";

/** Method names too common to resolve by name alone outside `self.` calls. */
export const ambiguousMethodNames: ReadonlySet<string> = new Set([
  "get", "set", "new", "len", "send", "recv", "read", "write", "lock", "run", "call", "next", "push", "insert",
  "remove", "clone", "from", "into", "map", "wait", "join", "flush", "close", "open", "poll", "start", "stop",
  "handle", "process", "update", "build", "parse", "load", "save", "execute", "apply", "init", "default", "as_ref",
  "to_string", "fmt", "drop", "eq", "cmp", "hash", "iter", "contains", "extend", "take", "with",
]);

export interface BlockingChain {
  /** Function names from the called helper down to the blocking API. */
  names: string[];
  blocking: BlockingCallFact;
}

/**
 * A name-based call graph over one crate's facts: it resolves calls to the crate's functions and
 * finds, for each sync function, a chain of calls that ends in a blocking call.
 */
export class CallGraph {
  private readonly byName = new Map<string, FunctionFacts[]>();
  private readonly chains = new Map<FunctionFacts, BlockingChain | null>();

  constructor(readonly crate: CrateFacts) {
    for (const file of crate.files) {
      for (const fn of file.functions) {
        const list = this.byName.get(fn.name) ?? [];
        list.push(fn);
        this.byName.set(fn.name, list);
      }
    }
  }

  /** The crate functions a call may reach; empty when the name is unknown or too ambiguous. */
  resolve(call: CallFact, callerFile: string, callerImpl: string | undefined): FunctionFacts[] {
    const candidates = this.byName.get(call.name) ?? [];
    if (candidates.length === 0) return [];
    if (call.viaSelf) return candidates.filter((fn) => fn.implType !== undefined && fn.implType === callerImpl);
    if (call.receiverType) return candidates.filter((fn) => fn.implType === call.receiverType);
    if (call.path) {
      const qualifier = call.path.length > 1 ? call.path[call.path.length - 2] : undefined;
      if (qualifier && /^[A-Z]/.test(qualifier)) {
        // `Type::assoc_fn()`: the impl of that type.
        return candidates.filter((fn) => fn.implType === qualifier);
      }
      const free = candidates.filter((fn) => fn.implType === undefined);
      if (qualifier && qualifier !== "crate" && qualifier !== "self" && qualifier !== "super") {
        // `module::helper()`: a file named after the module (module.rs or module/mod.rs).
        const inModule = free.filter((fn) => moduleNameOf(fn.file) === qualifier || fn.file.includes(`/${qualifier}/`));
        if (inModule.length > 0) return inModule;
        return free.length === 1 ? free : [];
      }
      const sameFile = free.filter((fn) => fn.file === callerFile);
      return sameFile.length > 0 ? sameFile : free.length === 1 ? free : [];
    }
    // obj.method(): only when the crate defines exactly one method of that name and it is distinctive.
    if (ambiguousMethodNames.has(call.name)) return [];
    // A trait impl's method (`impl Read for Bridge { fn read_exact… }`) shares its name with every other
    // implementor's, std's included: `x.read_exact()` cannot be tied to it by name.
    const methods = candidates.filter((fn) => fn.implType !== undefined && fn.traitName === undefined);
    return methods.length === 1 ? methods : [];
  }

  /** A chain to a blocking call when every function the call may reach blocks. */
  chainFromCall(call: CallFact, callerFile: string, callerImpl: string | undefined): BlockingChain | undefined {
    const targets = this.resolve(call, callerFile, callerImpl);
    if (targets.length === 0 || targets.some((fn) => fn.isAsync)) return undefined;
    let first: BlockingChain | undefined;
    for (const fn of targets) {
      const chain = this.chainOf(fn, new Set());
      if (!chain) return undefined;
      first ??= chain;
    }
    return first;
  }

  chainOf(fn: FunctionFacts, visiting: Set<FunctionFacts>): BlockingChain | undefined {
    const known = this.chains.get(fn);
    if (known !== undefined) return known ?? undefined;
    if (visiting.has(fn)) return undefined;
    visiting.add(fn);
    let result: BlockingChain | undefined;
    const direct = fn.blocking[0];
    if (direct) result = { names: [fn.key], blocking: direct };
    else {
      for (const call of fn.calls) {
        const targets = this.resolve(call, fn.file, fn.implType).filter((t) => !t.isAsync && t !== fn);
        if (targets.length === 0) continue;
        const inner = targets.map((t) => this.chainOf(t, visiting));
        if (inner.every((c) => c !== undefined)) {
          result = { names: [fn.key, ...inner[0]!.names], blocking: inner[0]!.blocking };
          break;
        }
      }
    }
    visiting.delete(fn);
    this.chains.set(fn, result ?? null);
    return result;
  }
}

function moduleNameOf(file: string): string {
  const base = path.basename(file, ".rs");
  return base === "mod" ? path.basename(path.dirname(file)) : base;
}
