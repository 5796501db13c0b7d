// The commands the society's replicated state machine understands, validated with one schema at
// every door (API, sockets, the log itself): a value that fails it never changes any state.

import { z } from 'zod';

export const keySchema = z.string().min(1).max(256);
export const valueSchema = z.string().max(64 * 1024);

export const operationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), key: keySchema, value: valueSchema }).strict(),
  /** Compare-and-set; `expected: null` means "only if the key is absent". */
  z.object({ op: z.literal('cas'), key: keySchema, expected: valueSchema.nullable(), value: valueSchema }).strict(),
  /** A society decision for the minutes book, e.g. "Approve painting contract for Rs 2 lakhs". */
  z.object({ op: z.literal('decide'), text: z.string().trim().min(1).max(500) }).strict(),
]);
export type Operation = z.infer<typeof operationSchema>;

/**
 * A client's request as written into the log. `client` + `seq` identify it so a retry is applied
 * once (dissertation §6.3); `ackedBelow` is the client's lowest seq still awaiting an answer, so the
 * state machine may forget the answers to everything before it.
 */
export const commandSchema = z
  .object({
    client: z.string().min(1).max(64),
    seq: z.number().int().positive(),
    ackedBelow: z.number().int().positive(),
    op: operationSchema,
  })
  .strict()
  .refine((c) => c.ackedBelow <= c.seq, { message: 'ackedBelow must not exceed seq' });
export type Command = z.infer<typeof commandSchema>;

const index = z.number().int().positive();
export const operationResultSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), index }).strict(),
  z.object({ op: z.literal('cas'), ok: z.boolean(), value: valueSchema.nullable(), index }).strict(),
  z.object({ op: z.literal('decide'), number: z.number().int().positive(), index }).strict(),
  /** The command was refused deterministically on every member; nothing changed. */
  z.object({ op: z.literal('rejected'), error: z.string(), index }).strict(),
]);
export type OperationResult = z.infer<typeof operationResultSchema>;

export function encodeCommand(command: Command): string {
  return JSON.stringify(command);
}
