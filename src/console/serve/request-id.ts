/**
 * Reads the task id from a TaskDetailsRequest {1: Id {1: uint64 id}} without a full decoder: the replay
 * server must answer before anything else is loaded, and this is the only field it ever needs.
 * Returns undefined when the id is absent (the real server answers INVALID_ARGUMENT then).
 */
export function taskDetailsRequestId(bytes: Uint8Array): bigint | undefined {
  let id: bigint | undefined;
  walk(bytes, (field, wire, value, sub) => {
    if (field === 1 && wire === 2 && sub) {
      walk(sub, (innerField, innerWire, innerValue) => {
        if (innerField === 1 && innerWire === 0) id = innerValue;
      });
      id ??= 0n;
    }
  });
  return id;
}

/** Encodes TaskDetailsRequest { id: Id { id } } (used by the live client). */
export function encodeTaskDetailsRequest(id: bigint): Uint8Array {
  const inner = [0x08, ...varint(id)];
  return Uint8Array.from([0x0a, ...varint(BigInt(inner.length)), ...inner]);
}

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

type Visit = (field: number, wire: number, value: bigint, sub?: Uint8Array) => void;

function walk(bytes: Uint8Array, visit: Visit): void {
  let p = 0;
  const read = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (p >= bytes.length) throw new Error("truncated varint");
      const b = bytes[p++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error("varint too long");
    }
  };
  while (p < bytes.length) {
    const key = Number(read());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) visit(field, wire, read());
    else if (wire === 2) {
      const length = Number(read());
      if (p + length > bytes.length) throw new Error("truncated field");
      visit(field, wire, BigInt(length), bytes.subarray(p, p + length));
      p += length;
    } else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else throw new Error(`bad wire type ${wire}`);
  }
}
