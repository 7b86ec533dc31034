import { describe, expect, it } from "vitest";
import { messageSeq, overflow, pairKey, participantsOf, peerOf, typingKey, unlockDecision } from "./logic.ts";

const A = "0b7e8c5e-1111-4c1e-9a0e-000000000001";
const B = "7f3d2a10-2222-4c1e-9a0e-000000000002";

describe("dm room rules", () => {
  it("derives one key per pair, whichever side asks", () => {
    expect(pairKey(A, B)).toBe(pairKey(B, A));
    expect(participantsOf(pairKey(B, A))).toEqual([A, B]);
    expect(participantsOf(`${B}_${A}`)).toBeNull();
    expect(participantsOf("nonsense")).toBeNull();
    expect(peerOf([A, B], A)).toBe(B);
    expect(typingKey("x_y")).toBe("chat:x_y:typing");
  });

  it("keeps the last 50 messages and sorts by seq", () => {
    expect(overflow(49)).toBe(0);
    expect(overflow(50)).toBe(1);
    expect(messageSeq(5, 2) < messageSeq(5, 10)).toBe(true);
    expect(messageSeq(9, 99) < messageSeq(10, 1)).toBe(true);
  });

  it("charges only the recipient of a locked message, once", () => {
    expect(unlockDecision({ from: A, price: 50, unlocked: false }, A)).toBe("own_message");
    expect(unlockDecision({ from: A, price: 0, unlocked: false }, B)).toBe("not_locked");
    expect(unlockDecision({ from: A, price: 50, unlocked: true }, B)).toBe("already_unlocked");
    expect(unlockDecision({ from: A, price: 50, unlocked: false }, B)).toBe("pay");
  });
});
