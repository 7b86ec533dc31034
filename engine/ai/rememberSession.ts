// End of a companion session: extract the facts worth keeping from what the user said, drop any
// that the output scanner would withhold (they would be repeated into future prompts), and queue
// them as memories. Called by the room when it is disposed, except after a safeword: a session
// someone had to stop is not mined for things to bring up again.
import type { AiServices } from "./AiServices.ts";
import type { MemoryItem } from "./types.ts";

export interface SessionTranscript {
  userId: string;
  companionId: string;
  sessionId: string;
  userLines: readonly string[];
}

export async function rememberSession(ai: Pick<AiServices, "facts" | "guard" | "memories">, session: SessionTranscript): Promise<MemoryItem[]> {
  if (session.userLines.length === 0) return [];
  const facts = await ai.facts.extract(session.userLines);
  const kept = [];
  for (const fact of facts) if (await ai.guard.allowsOutput(fact.text)) kept.push(fact);
  return ai.memories.remember(session.userId, session.companionId, session.sessionId, kept);
}
