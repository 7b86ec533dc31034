// Registers what the AI features hold about a person with the GDPR export/erase registry: the
// conversations, the remembered facts (documents and vectors), the creator twin and the personas a
// creator made. Erasure removes memories from the document store AND the vector index.
import type { PersonalData } from "../privacy/PersonalData.ts";
import type { AiServices } from "./AiServices.ts";

export function registerAiPersonalData(personalData: PersonalData, ai: AiServices): void {
  personalData.register({
    name: "companions",
    export: async (id) => ({
      personasCreated: await ai.personas.listOwned(id),
      conversations: await ai.conversations.listForUser(id),
      memories: (await ai.memories.list(id)).map(({ id: memoryId, companionId, text, importance, ts }) => ({ id: memoryId, companionId, text, importance, ts })),
      creatorTwin: await ai.twin.status(id),
    }),
    erase: async (id) => {
      // Memories first: their erase flushes the write-behind queue, so no queued write of this user survives below.
      await ai.memories.eraseUser(id);
      await ai.conversations.eraseUser(id);
      await ai.twin.erase(id);
      await ai.personas.eraseOwner(id);
    },
  });
}
