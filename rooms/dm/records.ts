// The DM stores, built once by the engine (engine/services.ts) and shared by the room and the HTTP
// routes, with their GDPR registration.
import type { Logger } from "../../engine/logger.ts";
import type { PersonalData } from "../../engine/privacy/PersonalData.ts";
import type { Stores } from "../../storage/index.ts";
import { BlockList } from "./BlockList.ts";
import { ConversationStore } from "./ConversationStore.ts";
import { KeyDirectory } from "./KeyDirectory.ts";

export interface DmRecords {
  keys: KeyDirectory;
  blocks: BlockList;
  conversations: ConversationStore;
}

export function createDmRecords(stores: Stores, logger: Logger, personalData: PersonalData): DmRecords {
  const records: DmRecords = {
    keys: new KeyDirectory(stores.docs),
    blocks: new BlockList(stores.docs, stores.cache, logger.child({ mod: "dm" })),
    conversations: new ConversationStore(stores.docs, stores.later),
  };
  personalData.register({
    name: "dmConversations",
    export: (id) => records.conversations.exportFor(id),
    erase: async (id) => {
      // Lines still queued behind a live room would otherwise recreate what is erased.
      await stores.queue.flush().catch(() => undefined);
      await records.conversations.eraseUser(id);
    },
  });
  personalData.register({ name: "dmKeys", export: (id) => records.keys.get(id), erase: (id) => records.keys.erase(id) });
  personalData.register({ name: "dmBlocks", export: (id) => records.blocks.exportFor(id), erase: (id) => records.blocks.erase(id) });
  return records;
}
