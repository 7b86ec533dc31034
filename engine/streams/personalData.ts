// Registers what the streams feature holds about a person with the GDPR export/erase registry.
import type { SqlStore } from "../../storage/sql/index.ts";
import type { PersonalData } from "../privacy/PersonalData.ts";
import type { ChatHistory } from "./ChatHistory.ts";

export function registerStreamPersonalData(personalData: PersonalData, sql: SqlStore, chat: ChatHistory): void {
  personalData.register({
    name: "streams",
    // The key is a credential, not personal data: it stays out of export files.
    export: async (id) => (await sql.streams.listByCreator(id)).map(({ streamKey: _key, ...stream }) => stream),
    // Rows go last, so a failure part-way leaves the ids to retry with.
    erase: async (id) => {
      const streamIds = (await sql.streams.listByCreator(id)).map((s) => s.id);
      for (const streamId of streamIds) await chat.erase(streamId);
      await sql.reports.deleteForStreams(streamIds);
      await sql.streams.deleteForCreator(id);
    },
  });
  personalData.register({
    name: "streamBans",
    export: (id) => sql.creatorBans.listInvolving(id),
    erase: (id) => sql.creatorBans.eraseUser(id),
  });
  personalData.register({
    name: "reports",
    export: (id) => sql.reports.listByReporter(id),
    erase: (id) => sql.reports.eraseUser(id),
  });
}
