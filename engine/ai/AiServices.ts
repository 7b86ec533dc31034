// Builds the AI features from config: the OpenAI adapters when OPENAI_API_KEY is set (any
// OpenAI-compatible server via OPENAI_BASE_URL), the honest offline defaults otherwise. Rooms and
// routes get this object from `Services.ai` and never construct a model themselves.
import type { Env } from "../../config/env.ts";
import { VECTOR_DIMENSION, type Stores } from "../../storage/index.ts";
import type { Logger } from "../logger.ts";
import type { BlocklistTextSafety, TextSafety } from "../safety/TextSafety.ts";
import { AiQuota } from "./AiQuota.ts";
import { CompanionBot } from "./CompanionBot.ts";
import { ConversationStore } from "./ConversationStore.ts";
import { CreatorTwin } from "./CreatorTwin.ts";
import type { FactExtractor } from "./FactExtractor.ts";
import { Guardrails } from "./Guardrails.ts";
import { HashingEmbedder } from "./HashingEmbedder.ts";
import { Icebreakers } from "./Icebreakers.ts";
import { MemoryStore } from "./MemoryStore.ts";
import { ModeratedTextSafety } from "./ModeratedTextSafety.ts";
import { ModelFactExtractor } from "./ModelFactExtractor.ts";
import { OfflinePersonaEngine } from "./OfflinePersonaEngine.ts";
import { createOpenAiClient } from "./openAiClient.ts";
import { OpenAiChatModel } from "./OpenAiChatModel.ts";
import { OpenAiEmbedder } from "./OpenAiEmbedder.ts";
import { OpenAiModeration } from "./OpenAiModeration.ts";
import { PersonaStore } from "./PersonaStore.ts";
import type { ChatModel, Embedder } from "./ports.ts";
import { RuleFactExtractor } from "./RuleFactExtractor.ts";
import type { TierLimits } from "./tiers.ts";
import type { Persona } from "./types.ts";

export const DEFAULT_CHAT_MODEL = "gpt-4o-mini";
export const DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small";
/** Offline words appear one by one like a model's tokens, so the UI behaves the same in both modes. */
const OFFLINE_TOKEN_DELAY_MS = 15;

export interface AiServices {
  /** "online" when a hosted model answers; every offline reply says so too. */
  mode: "online" | "offline";
  chat: ChatModel;
  embedder: Embedder;
  /** The safety port the guardrails use (hosted moderation added when online). */
  safety: TextSafety;
  moderation: "openai" | "offline";
  guard: Guardrails;
  facts: FactExtractor;
  personas: PersonaStore;
  conversations: ConversationStore;
  memories: MemoryStore;
  quota: AiQuota;
  twin: CreatorTwin;
  icebreakers: Icebreakers;
  /** The model a tier (and persona) gets; see tiers.ts. */
  modelFor(limits: TierLimits, persona?: Persona): string;
  /** A companion actor for one session. */
  bot(persona: Persona, limits: TierLimits): CompanionBot;
}

export interface AiDeps {
  env: Env;
  stores: Stores;
  logger: Logger;
  /** The offline classifier the rest of the engine uses, so both apply the same lists. */
  offlineSafety: BlocklistTextSafety;
}

export function createAiServices({ env, stores, logger, offlineSafety }: AiDeps): AiServices {
  const log = logger.child({ mod: "ai" });
  const client = env.OPENAI_API_KEY ? createOpenAiClient({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL }) : undefined;
  const standardModel = env.OPENAI_MODEL ?? DEFAULT_CHAT_MODEL;
  const proModel = env.OPENAI_MODEL_PRO ?? standardModel;

  const chat: ChatModel = client ? new OpenAiChatModel(client) : new OfflinePersonaEngine(OFFLINE_TOKEN_DELAY_MS);
  const embedder: Embedder = client ? new OpenAiEmbedder(client, env.OPENAI_EMBEDDING_MODEL ?? DEFAULT_EMBEDDING_MODEL, VECTOR_DIMENSION) : new HashingEmbedder(VECTOR_DIMENSION);
  const useModeration = client !== undefined && (env.OPENAI_MODERATION ?? "openai") === "openai";
  const safety: TextSafety = useModeration ? new ModeratedTextSafety(offlineSafety, new OpenAiModeration(client), log) : offlineSafety;
  const guard = new Guardrails(safety);
  const rules = new RuleFactExtractor();
  const facts: FactExtractor = client ? new ModelFactExtractor(chat, standardModel, rules, log) : rules;

  const memories = new MemoryStore({ docs: stores.docs, vectors: stores.vectors, later: stores.later, embedder, flush: () => stores.queue.flush(), logger: log });
  const twin = new CreatorTwin({
    docs: stores.docs,
    vectors: stores.vectors,
    embedder,
    chat,
    modelName: proModel,
    guard,
    logger: log,
    streamIdsOf: async (creatorId) => (await stores.sql.streams.listByCreator(creatorId)).map((s) => s.id),
  });

  const modelFor = (limits: TierLimits, persona?: Persona) => (limits.model === "pro" ? (persona?.model_config.model ?? proModel) : standardModel);

  return {
    mode: client ? "online" : "offline",
    chat,
    embedder,
    safety,
    moderation: useModeration ? "openai" : "offline",
    guard,
    facts,
    personas: new PersonaStore(stores.docs),
    conversations: new ConversationStore(stores.docs, stores.later),
    memories,
    quota: new AiQuota(stores.cache),
    twin,
    icebreakers: new Icebreakers({ chat, modelName: standardModel, guard, logger: log }),
    modelFor,
    bot: (persona, limits) =>
      new CompanionBot({
        persona: { name: persona.name, traits: persona.personality_traits, ...(persona.model_config.greeting ? { greeting: persona.model_config.greeting } : {}) },
        model: chat,
        modelName: modelFor(limits, persona),
        limits,
        guard,
        logger: log,
        temperature: persona.model_config.temperature,
        maxTokens: persona.model_config.maxTokens,
      }),
  };
}
