// Icebreaker (SPEC §7.9): opening lines for a DM with someone. It works from what the platform
// shows publicly about the peer (display name, social mode, public stream titles and tags), never
// from their private data. Offline it fills templates; online the model writes lines from the same
// facts. Every line is scanned before it is offered; missing ones are filled from the templates.
import { SOCIAL_MODES } from "../../config/social-modes.ts";
import type { Logger } from "../logger.ts";
import { complete, stringsFromJson } from "./complete.ts";
import type { Guardrails } from "./Guardrails.ts";
import type { ChatModel } from "./ports.ts";
import { GUARDRAILS } from "./prompt.ts";
import { fnv1a } from "./textFeatures.ts";

export interface PeerFacts {
  id: string;
  displayName: string;
  socialMode: string | null;
  /** Public, non-explicit stream titles, newest first. */
  streamTitles: string[];
  tags: string[];
}

export interface Icebreaker {
  text: string;
  source: "template" | "generated";
}

export interface IcebreakersDeps {
  chat: ChatModel;
  modelName: string;
  guard: Guardrails;
  logger: Logger;
  now?: () => number;
}

export class Icebreakers {
  constructor(private readonly d: IcebreakersDeps) {}

  async suggest(userId: string, peer: PeerFacts, count: number): Promise<Icebreaker[]> {
    const out: Icebreaker[] = [];
    const seen = new Set<string>();
    const offer = async (text: string, source: Icebreaker["source"]) => {
      const key = text.toLowerCase();
      if (out.length >= count || !text || text.length > 300 || seen.has(key) || !(await this.d.guard.allowsOutput(text))) return;
      seen.add(key);
      out.push({ text, source });
    };
    if (this.d.chat.kind !== "offline") for (const line of await this.generate(peer, count)) await offer(line, "generated");
    for (const line of templates(peer, `${userId}|${peer.id}|${dayOf((this.d.now ?? Date.now)())}`)) await offer(line, "template");
    return out;
  }

  private async generate(peer: PeerFacts, count: number): Promise<string[]> {
    const facts = [
      `Their display name: ${peer.displayName}.`,
      peer.socialMode ? `They are here as: ${modeLabel(peer.socialMode)}.` : "",
      peer.streamTitles.length ? `Their recent public streams: ${peer.streamTitles.slice(0, 3).join("; ")}.` : "",
      peer.tags.length ? `Topics they stream about: ${peer.tags.slice(0, 6).join(", ")}.` : "",
    ].filter(Boolean);
    try {
      const answer = await complete(this.d.chat, {
        model: this.d.modelName,
        maxTokens: 300,
        temperature: 0.9,
        messages: [
          {
            role: "system",
            content: `Write ${count} friendly, respectful opening lines for a first direct message on TeezU (adults only). Each under 200 characters, no pressure, no explicit content. Answer with a JSON array of strings only.\nRules:\n${GUARDRAILS.map((r) => `- ${r}`).join("\n")}`,
          },
          { role: "user", content: facts.join("\n") },
        ],
      });
      return stringsFromJson(answer);
    } catch (err) {
      this.d.logger.warn({ err }, "icebreaker generation failed; templates used");
      return [];
    }
  }
}

/** Deterministic per (user, peer, day): the same person asking twice in a day sees the same lines. */
export function templates(peer: PeerFacts, seed: string): string[] {
  const name = peer.displayName;
  const specific: string[] = [];
  if (peer.streamTitles[0]) specific.push(`Hi ${name}, I enjoyed "${peer.streamTitles[0]}". What inspired it?`);
  if (peer.tags[0]) specific.push(`Hey ${name}, I noticed you're into ${peer.tags[0]}. How did you get started?`);
  if (peer.socialMode) specific.push(`Hi ${name}! I see you're here as ${modeLabel(peer.socialMode).toLowerCase()}. What brought you to TeezU?`);
  const general = [
    `Hi ${name}! What's been the best part of your week so far?`,
    `Hey ${name}, what's something you're looking forward to right now?`,
    `Hi ${name}! If you could plan a perfect evening, what would it look like?`,
    `Hey ${name}, what's a song you've had on repeat lately?`,
    `Hi ${name}, what's one thing that always makes you smile?`,
  ];
  const h = fnv1a(seed);
  const rotated = general.map((_, i) => general[(i + h) % general.length]!);
  return [...specific, ...rotated];
}

function modeLabel(id: string): string {
  return SOCIAL_MODES.find((m) => m.id === id)?.label ?? id;
}

const dayOf = (ms: number) => Math.floor(ms / 86_400_000);
