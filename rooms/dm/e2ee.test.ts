import { describe, expect, it } from "vitest";
import { conversationKey, generateDeviceKeys, open, openPaid, seal, sealPaid } from "./e2ee.ts";

describe("DM end-to-end encryption (X25519 + HKDF + AES-GCM)", () => {
  it("lets both participants derive the same key, and nobody else", async () => {
    const [alice, bob, eve] = await Promise.all([generateDeviceKeys(), generateDeviceKeys(), generateDeviceKeys()]);
    const convo = "a_b";
    const kAlice = await conversationKey(alice.privateKey, bob.publicKey, convo);
    const kBob = await conversationKey(bob.privateKey, alice.publicKey, convo);
    const sealed = await seal(kAlice, "See you at the gallery opening");
    expect(sealed.ciphertext).not.toContain("gallery");
    expect(await open(kBob, sealed)).toBe("See you at the gallery opening");
    const kEve = await conversationKey(eve.privateKey, alice.publicKey, convo);
    await expect(open(kEve, sealed)).rejects.toThrow();
    // Another conversation id gives another key even for the same two people.
    await expect(open(await conversationKey(bob.privateKey, alice.publicKey, "other"), sealed)).rejects.toThrow();
  });

  it("uses a fresh nonce per message and detects tampering", async () => {
    const [alice, bob] = await Promise.all([generateDeviceKeys(), generateDeviceKeys()]);
    const key = await conversationKey(alice.privateKey, bob.publicKey, "c");
    const one = await seal(key, "hello");
    const two = await seal(key, "hello");
    expect(one.nonce).not.toBe(two.nonce);
    expect(one.ciphertext).not.toBe(two.ciphertext);
    const flipped = one.ciphertext.startsWith("A") ? `B${one.ciphertext.slice(1)}` : `A${one.ciphertext.slice(1)}`;
    await expect(open(key, { ...one, ciphertext: flipped })).rejects.toThrow();
  });

  it("seals pay-per-view content that only the wrapped content key opens", async () => {
    const [creator, fan] = await Promise.all([generateDeviceKeys(), generateDeviceKeys()]);
    const kCreator = await conversationKey(creator.privateKey, fan.publicKey, "c");
    const kFan = await conversationKey(fan.privateKey, creator.publicKey, "c");
    const paid = await sealPaid(kCreator, "Here is the song list for Friday");
    await expect(open(kFan, paid)).rejects.toThrow();
    expect(await openPaid(kFan, paid, paid.wrappedKey)).toBe("Here is the song list for Friday");
  });
});
