import { describe, expect, it } from "vitest";
import { DEFAULT_LINK_NOTICE, DEFAULT_LINK_SUGGESTIONS, LinkGuard } from "./LinkGuard.ts";

const guard = new LinkGuard();
const removed = (text: string) => guard.scan(text).text;

describe("LinkGuard: a link in chat is removed", () => {
  it.each([
    ["visit example.com for more", "visit [link removed] for more"],
    ["go to https://example.org/page?x=1.", "go to [link removed]."],
    ["see sub.example.co.uk/path today", "see [link removed] today"],
    ["www.example.nl is nice", "[link removed] is nice"],
    ["connect to 192.168.0.10:8080/admin", "connect to [link removed]"],
    ["HTTP://EXAMPLE.COM", "[link removed]"],
  ])("%j → %j", (input, output) => {
    expect(removed(input)).toBe(output);
  });

  it("reports what it found, with offsets into the text", () => {
    const scan = guard.scan("hi example.com bye");
    expect(scan.links).toEqual([{ kind: "domain", category: "generic", text: "example.com", start: 3, end: 14, host: "example.com" }]);
  });

  it("replaces each of several links with its own notice", () => {
    expect(removed("example.com or example.net")).toBe(`${DEFAULT_LINK_NOTICE} or ${DEFAULT_LINK_NOTICE}`);
  });
});

describe("LinkGuard: obfuscated links are caught", () => {
  it.each([
    "example dot com",
    "example DOT com",
    "example[.]com",
    "example(.)com",
    "example (dot) com",
    "example . com",
    "example .com",
    "example. com",
    "ｅｘａｍｐｌｅ．ｃｏｍ", // full-width letters
    "exa\u200Bmple.com", // zero-width space inside
    "hxxps://example.com/x",
    "e x a m p l e . c o m",
    "e x a m p l e dot c o m",
  ])("%j", (input) => {
    expect(guard.scan(input).links).toHaveLength(1);
    expect(removed(input)).not.toMatch(/example/i);
  });
});

describe("LinkGuard: normal sentences with dots are untouched", () => {
  it.each([
    "e.g. this is 3.5 times better, Mr. Smith",
    "see you at 10 a.m. or 5 p.m. tomorrow",
    "I love it. Me too",
    "Ja. de stream is leuk",
    "It. Net profits rose",
    "ok.so I said no",
    "it.is fine",
    "version v1.2.3 is out, node.js and file.txt too",
    "the date is 1.10.2024",
    "Hello . Next one please",
    "my signal is weak today",
    "my x is funny",
    "oh snap me too",
    "I love instagram filters",
    "tip 100 for a song",
    "a b c d and so on. Me too",
  ])("%j", (input) => {
    const scan = guard.scan(input);
    expect(scan.links).toEqual([]);
    expect(scan.text).toBe(input);
    expect(scan.suggestion).toBeUndefined();
  });
});

describe("LinkGuard: off-platform contact steering", () => {
  it.each([
    ["add me on snap: anna_99", "Snapchat", "messaging"],
    ["hit me up on telegram", "Telegram", "messaging"],
    ["my snap is coolname", "Snapchat", "messaging"],
    ["join my discord", "Discord", "messaging"],
    ["whatsapp me", "WhatsApp", "messaging"],
    ["@anna_x on insta", "Instagram", "social"],
    ["ig: anna.x", "Instagram", "social"],
    ["follow me on x", "X", "social"],
    ["venmo me", "Venmo", "payment"],
    ["send tips to my paypal", "PayPal", "payment"],
    ["pay me on cash app", "Cash App", "payment"],
  ])("%j → %s", (input, platform, category) => {
    const scan = guard.scan(input);
    expect(scan.links).toMatchObject([{ kind: "handle", platform, category }]);
    expect(scan.text).toBe(DEFAULT_LINK_NOTICE);
  });

  it("catches a cashtag when the message is about paying", () => {
    const scan = guard.scan("send to $AnnaBee please");
    expect(scan.links).toMatchObject([{ kind: "handle", category: "payment", text: "$AnnaBee" }]);
    expect(guard.scan("that costs $USD in total").links).toEqual([]);
  });

  it("treats an e-mail address as an off-platform contact", () => {
    expect(guard.scan("mail me: anna@example.org").links).toMatchObject([{ kind: "email", category: "messaging", text: "anna@example.org" }]);
    expect(guard.scan("anna at gmail dot com").links).toMatchObject([{ kind: "email", text: "anna at gmail dot com" }]);
    expect(removed("write to anna[at]example.com")).toBe("write to [link removed]");
  });
});

describe("LinkGuard: the suggestion names the on-platform equivalent", () => {
  it.each([
    ["paypal.me/anna", DEFAULT_LINK_SUGGESTIONS.payment],
    ["venmo me", DEFAULT_LINK_SUGGESTIONS.payment],
    ["t.me/anna", DEFAULT_LINK_SUGGESTIONS.messaging],
    ["wa.me/123456", DEFAULT_LINK_SUGGESTIONS.messaging],
    ["add me on kik", DEFAULT_LINK_SUGGESTIONS.messaging],
    ["instagram.com/anna", DEFAULT_LINK_SUGGESTIONS.social],
    ["my blog: example.com", DEFAULT_LINK_SUGGESTIONS.generic],
  ])("%j", (input, suggestion) => {
    expect(guard.scan(input).suggestion).toBe(suggestion);
  });

  it("points at the tip menu when payment and messaging links come together", () => {
    expect(guard.scan("t.me/anna or paypal.me/anna").suggestion).toBe(DEFAULT_LINK_SUGGESTIONS.payment);
  });

  it("mentions TeezU's own features", () => {
    expect(DEFAULT_LINK_SUGGESTIONS.payment).toMatch(/tip menu/);
    expect(DEFAULT_LINK_SUGGESTIONS.messaging).toMatch(/DM/);
    expect(DEFAULT_LINK_SUGGESTIONS.generic).toMatch(/profile/);
  });
});

describe("LinkGuard: allow-list and options", () => {
  it("keeps links to the platform's own hosts and their subdomains", () => {
    const text = "see teezu.com/u/anna and https://clips.teezu.live/x";
    expect(guard.scan(text)).toEqual({ links: [], text });
  });

  it("takes configured hosts, notice, suggestions and extra known hosts", () => {
    const custom = new LinkGuard({
      allowedHosts: ["example.com"],
      notice: "[no links]",
      knownHosts: { "pay.example.net": "payment" },
      suggestions: { payment: "Use tips." },
    });
    expect(custom.scan("example.com/x teezu.com").text).toBe("example.com/x [no links]");
    expect(custom.scan("pay.example.net/anna")).toMatchObject({ links: [{ category: "payment" }], suggestion: "Use tips." });
  });

  it("leaves links a caller allows in place", () => {
    const scan = guard.scan("example.com and t.me/anna", { allow: (l) => l.category === "generic" });
    expect(scan.text).toBe("example.com and [link removed]");
    expect(scan.links).toHaveLength(1);
  });

  it("returns the input unchanged (not normalized) when nothing is found", () => {
    const text = "ｈｅｌｌｏ there";
    expect(guard.scan(text).text).toBe(text);
  });

  it("stays fast on long adversarial input", () => {
    const text = `${"a".repeat(200)}.${"b.".repeat(100)} ${"x dot ".repeat(40)}`.slice(0, 2000);
    const started = performance.now();
    for (let i = 0; i < 20; i++) guard.scan(text);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
