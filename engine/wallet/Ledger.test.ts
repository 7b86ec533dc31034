import { describe, expect, it } from "vitest";
import { requestHash } from "./Ledger.ts";

describe("requestHash", () => {
  it("ignores key order and undefined fields, and tells different requests apart", () => {
    const a = requestHash({ kind: "tip", amount: 5, reference: { streamId: "s", itemId: "i" } });
    expect(requestHash({ reference: { itemId: "i", streamId: "s" }, amount: 5, kind: "tip", extra: undefined })).toBe(a);
    expect(requestHash({ kind: "tip", amount: 6, reference: { streamId: "s", itemId: "i" } })).not.toBe(a);
    expect(requestHash({ kind: "tip", amount: 5, reference: { streamId: "s", itemId: "j" } })).not.toBe(a);
    expect(requestHash({ kind: "tip", amount: "5", reference: { streamId: "s", itemId: "i" } })).not.toBe(a);
  });
});
